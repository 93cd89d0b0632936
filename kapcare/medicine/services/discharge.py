"""Discharge: the client goes when every discharge rule says yes."""

import datetime as dt

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.violations import Violation
from kapcare.medicine import rules as session_rules
from kapcare.medicine.access import (
    SESSION,
    access_for_change,
)
from kapcare.medicine.rules import (
    DischargeAssessment,
)
from kapcare.medicine.services.record import RecordView, view_of
from kapcare.medicine.services.settings import policy_for
from kapcare.medicine.services.state import (
    DISCHARGE_ALREADY,
    audit_event,
    not_locked,
    record_time_problems,
    refuse,
    require_aware,
    session_for_change,
)
from kapcare.people.access import Actor, staff_of


def record_discharge(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    alert_oriented: bool,
    steady_gait: bool,
    escort_present: bool,
    now: dt.datetime,
) -> RecordView:
    """Let the client go, when every discharge rule says yes; else every reason."""
    staff = staff_of(actor, SESSION)
    require_aware(at, "at")
    appointment, client = access_for_change(actor, appointment_id, "discharge")
    with transaction.atomic():
        session, rows = session_for_change(appointment, now)
        problems = not_locked(session)
        if session.discharged_at is not None:
            problems.append(
                Violation(rule=DISCHARGE_ALREADY, message="The discharge is already recorded.")
            )
        problems += record_time_problems(
            at, appointment, now, "discharge", future=False, policy=policy_for(client.practice_id)
        )
        problems += session_rules.check_discharge(
            DischargeAssessment(
                at=at,
                alert_oriented=alert_oriented,
                steady_gait=steady_gait,
                escort_present=escort_present,
            ),
            doses=rows.given,
            readings=rows.readings,
            now=now,
            policy=policy_for(client.practice_id).session,
        )
        if not problems:
            session.discharged_at = at
            session.discharge_alert_oriented = alert_oriented
            session.discharge_steady_gait = steady_gait
            session.discharge_escort_present = escort_present
            session.discharged_by = staff
            session.save()
            audit_event(
                actor, client.pk, AuditAction.UPDATE, f"medicine:{appointment.pk}:discharge"
            )
    if problems:
        raise refuse(actor, client.pk, AuditAction.UPDATE, "discharge", problems)
    return view_of(appointment, client, session, now)
