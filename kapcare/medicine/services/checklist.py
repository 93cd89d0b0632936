"""The pre-dose checklist, saved as attested (it may stay incomplete until dosing)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.medicine.access import (
    SESSION,
    access_for_change,
)
from kapcare.medicine.services.record import RecordView, view_of
from kapcare.medicine.services.state import (
    audit_event,
    before_session_day,
    not_locked,
    refuse,
    require_aware,
    session_for_change,
)
from kapcare.people.access import Actor, staff_of


@dataclass(frozen=True)
class ChecklistInput:
    identity_confirmed: bool
    fasting_confirmed: bool
    escort_name: str
    no_driving_agreed: bool
    intention: str
    todays_measures_done: bool = False
    last_food_at: dt.datetime | None = None
    last_liquids_at: dt.datetime | None = None


def save_checklist(
    *, actor: Actor, appointment_id: int, checklist: ChecklistInput, now: dt.datetime
) -> RecordView:
    """Save the pre-dose checklist as attested now (it may stay incomplete until dosing)."""
    staff = staff_of(actor, SESSION)
    appointment, client = access_for_change(actor, appointment_id, "checklist")
    escort = clean_text(checklist.escort_name, "escort_name", limit=200)
    intention = clean_text(checklist.intention, "intention")
    for name, value in (
        ("last_food_at", checklist.last_food_at),
        ("last_liquids_at", checklist.last_liquids_at),
    ):
        if value is not None:
            require_aware(value, name)
            if value > now:
                raise FieldError(name, "This time is in the future.")
    with transaction.atomic():
        session, _ = session_for_change(appointment, now)
        problems = not_locked(session) + before_session_day(appointment, now, "checklist")
        if not problems:
            session.identity_confirmed = checklist.identity_confirmed
            session.fasting_confirmed = checklist.fasting_confirmed
            session.escort_name = escort
            session.no_driving_agreed = checklist.no_driving_agreed
            session.intention = intention
            session.todays_measures_done = checklist.todays_measures_done
            session.last_food_at = checklist.last_food_at
            session.last_liquids_at = checklist.last_liquids_at
            session.checklist_by = staff
            session.checklist_at = now
            session.save()
            audit_event(
                actor, client.pk, AuditAction.UPDATE, f"medicine:{appointment.pk}:checklist"
            )
    if problems:
        raise refuse(actor, client.pk, AuditAction.UPDATE, "checklist", problems)
    return view_of(appointment, client, session, now)
