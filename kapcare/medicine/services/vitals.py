"""Vital signs (with the alerts they raise) and the acknowledgement of a high pre-dose
reading.
"""

import datetime as dt

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.violations import Violation
from kapcare.medicine import rules as session_rules
from kapcare.medicine.access import (
    SESSION,
    access_for_change,
)
from kapcare.medicine.models import (
    VitalsAlert,
    VitalsReading,
)
from kapcare.medicine.rules import (
    VitalSigns,
)
from kapcare.medicine.services.record import RecordView, view_of
from kapcare.medicine.services.settings import policy_for
from kapcare.medicine.services.state import (
    ACK_NO_READING,
    ACK_NOT_NEEDED,
    audit_event,
    before_session_day,
    latest_at_or_before,
    not_locked,
    record_time_problems,
    refuse,
    require_aware,
    saved_session,
    session_for_change,
)
from kapcare.medicine.vocabulary import PREDOSE_VITALS_ACK_REQUIRED
from kapcare.people.access import Actor, staff_of
from kapcare.people.policy import Role


def record_vitals(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    systolic: int,
    diastolic: int,
    heart_rate: int,
    spo2: int,
    now: dt.datetime,
) -> tuple[VitalsReading, tuple[session_rules.VitalAlert, ...]]:
    """Record a reading; out-of-range values are recorded as alerts (events) with it."""
    staff = staff_of(actor, SESSION)
    require_aware(at, "at")
    appointment, client = access_for_change(actor, appointment_id, "vitals")
    reading = VitalSigns(
        at=at, systolic=systolic, diastolic=diastolic, heart_rate=heart_rate, spo2=spo2
    )
    problems = session_rules.check_vitals(
        reading, now=now, policy=policy_for(client.practice_id).session
    )
    problems += record_time_problems(
        at, appointment, now, "vitals", future=False, policy=policy_for(client.practice_id)
    )
    problems += before_session_day(appointment, now, "vital signs")
    alerts: tuple[session_rules.VitalAlert, ...] = ()
    with transaction.atomic():
        session, _ = session_for_change(appointment, now)
        problems = not_locked(session) + problems
        if not problems:
            saved = VitalsReading.objects.create(
                session=saved_session(session),
                at=at,
                systolic=systolic,
                diastolic=diastolic,
                heart_rate=heart_rate,
                spo2=spo2,
                recorded_by=staff,
                recorded_at=now,
            )
            alerts = session_rules.vital_alerts(
                reading, policy=policy_for(client.practice_id).session
            )
            VitalsAlert.objects.bulk_create(
                VitalsAlert(
                    session=session,
                    reading=saved,
                    code=a.code,
                    measure=a.measure,
                    value=a.value,
                    threshold=a.threshold,
                    message=a.message[:200],
                    raised_at=now,
                )
                for a in alerts
            )
            audit_event(
                actor, client.pk, AuditAction.CREATE, f"medicine:{appointment.pk}:vitals:{saved.pk}"
            )
            for a in alerts:
                audit_event(
                    actor,
                    client.pk,
                    AuditAction.CREATE,
                    f"medicine:{appointment.pk}:alert:{a.code}",
                )
    if problems:
        raise refuse(actor, client.pk, AuditAction.CREATE, "vitals", problems)
    return saved, alerts


def acknowledge_predose(*, actor: Actor, appointment_id: int, now: dt.datetime) -> RecordView:
    """A medical provider acknowledges the latest pre-dose reading (140/90 up to the hold)."""
    staff = staff_of(actor, SESSION)
    appointment, client = access_for_change(
        actor, appointment_id, "predose_ack", frozenset({Role.MEDICAL_PROVIDER})
    )
    with transaction.atomic():
        session, rows = session_for_change(appointment, now)
        problems = not_locked(session)
        latest = latest_at_or_before(rows.vitals, now)
        if latest is None:
            problems.append(
                Violation(
                    rule=ACK_NO_READING, message="There is no pre-dose reading to acknowledge."
                )
            )
        else:
            pure = VitalSigns(
                latest.at, latest.systolic, latest.diastolic, latest.heart_rate, latest.spo2
            )
            needs = session_rules.check_predose_vitals(
                pure, acknowledged=False, policy=policy_for(client.practice_id).session
            )
            if not any(v.rule == PREDOSE_VITALS_ACK_REQUIRED for v in needs):
                problems.append(
                    Violation(
                        rule=ACK_NOT_NEEDED,
                        message=(
                            "The latest reading needs no acknowledgement (it is either below "
                            "the acknowledgement level or at the hold level, which nothing lifts)."
                        ),
                    )
                )
        if not problems and latest is not None:
            session.predose_ack_reading = latest
            session.predose_ack_by = staff
            session.predose_ack_at = now
            session.save()
            audit_event(
                actor,
                client.pk,
                AuditAction.UPDATE,
                f"medicine:{appointment.pk}:predose_ack:{latest.pk}",
            )
    if problems:
        raise refuse(actor, client.pk, AuditAction.UPDATE, "predose_ack", problems)
    return view_of(appointment, client, session, now)
