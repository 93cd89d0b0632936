"""Doses: recorded only when every dosing rule says yes."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.errors import FieldError
from kapcare.core.ids import is_record_id
from kapcare.core.text import clean_text
from kapcare.core.violations import Violation
from kapcare.medicine import rules as session_rules
from kapcare.medicine.access import (
    DOSE_WRITERS,
    SESSION,
    access_for_change,
)
from kapcare.medicine.models import (
    DoseAdministration,
)
from kapcare.medicine.services.settings import policy_for
from kapcare.medicine.services.state import (
    DOSE_AFTER_DISCHARGE,
    audit_event,
    before_session_day,
    checklist_of,
    client_facts,
    latest_at_or_before,
    not_locked,
    order_active_at,
    orders_of,
    record_time_problems,
    refuse,
    require_aware,
    saved_session,
    session_for_change,
    zone_of,
)
from kapcare.pathway.vocabulary import Route
from kapcare.people.access import Actor, staff_of
from kapcare.people.models import StaffMember


def record_dose(
    *,
    actor: Actor,
    appointment_id: int,
    at: dt.datetime,
    route: Route,
    dose_mg: Decimal,
    lot: str,
    now: dt.datetime,
    administered_by_id: int | None = None,
) -> DoseAdministration:
    """Record a dose given, after every dosing rule (checklist, hold, order) says yes.

    ``administered_by_id``: who gave it (a monitor or medical provider of the practice),
    when not the person recording it.
    """
    staff = staff_of(actor, SESSION)
    require_aware(at, "at")
    appointment, client = access_for_change(actor, appointment_id, "dose", DOSE_WRITERS)
    lot = clean_text(lot, "lot", limit=60)
    giver = staff
    if administered_by_id is not None and administered_by_id != staff.pk:
        found = (
            StaffMember.objects.filter(
                pk=administered_by_id,
                practice_id=staff.practice_id,
                is_active=True,
                roles__role__in=[r.value for r in DOSE_WRITERS],
            ).first()
            if is_record_id(administered_by_id)
            else None
        )
        if found is None:
            raise FieldError(
                "administered_by", "Choose a monitor or medical provider of the practice."
            )
        giver = found
    facts = client_facts(appointment, client.practice_id)
    zone = zone_of(appointment)
    with transaction.atomic():
        session, rows = session_for_change(appointment, now)
        problems = not_locked(session)
        if session.discharged_at is not None:
            problems.append(
                Violation(
                    rule=DOSE_AFTER_DISCHARGE,
                    message="The client has been discharged: no dose can be added to this session.",
                )
            )
        # The pathway as it stands now: a plan paused, a consent revoked or a clearance
        # expired since the booking stops the dose (scheduling.rules, pathway.facts).
        problems += facts.pathway
        problems += record_time_problems(
            at, appointment, now, "dose", future=False, policy=policy_for(client.practice_id)
        )
        problems += before_session_day(appointment, now, "doses")
        active = order_active_at(orders_of(client.pk), at, zone)
        pre = latest_at_or_before(rows.vitals, at)
        problems += session_rules.check_dose(
            session_rules.DoseAdministration(at=at, route=route, dose_mg=dose_mg, lot=lot),
            order=active[1] if active else None,
            previous_doses=rows.given,
            checklist=checklist_of(session, facts),
            readings=rows.readings,
            predose_acknowledged=pre is not None and session.predose_ack_reading_id == pre.pk,
            now=now,
            policy=policy_for(client.practice_id).session,
        )
        if not problems and active is not None:
            dose = DoseAdministration.objects.create(
                session=saved_session(session),
                order=active[0],
                at=at,
                route=route.value,
                dose_mg=dose_mg,
                lot=lot,
                administered_by=giver,
                recorded_at=now,
            )
            kind = "supplemental" if rows.doses else "first"
            audit_event(
                actor,
                client.pk,
                AuditAction.CREATE,
                f"medicine:{appointment.pk}:dose:{dose.pk}:{kind}",
            )
    if problems:
        raise refuse(actor, client.pk, AuditAction.CREATE, "dose", problems)
    return dose
