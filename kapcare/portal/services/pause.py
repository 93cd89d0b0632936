"""The client asks to pause ("I'd like to pause"): the plan pauses (medicine sessions
stop, integration and therapy stay open) and the care team is told, with the client's
note, in one transaction."""

import datetime as dt

from django.db import transaction

from kapcare.core.errors import FieldError
from kapcare.pathway.models import TreatmentPlan
from kapcare.pathway.services import pause_plan_by_client
from kapcare.people.access import Actor
from kapcare.people.policy import Category
from kapcare.portal.access import own_client
from kapcare.portal.services.notices import tell_care_team
from kapcare.portal.vocabulary import NoticeKind

__all__ = ["NOTE_MAX", "ask_to_pause"]

NOTE_MAX = 2000


def ask_to_pause(*, actor: Actor, note: str, now: dt.datetime) -> TreatmentPlan | None:
    """Pause the client's plan (if it is active) and tell the care team either way."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise FieldError("note", f"Keep the note to {NOTE_MAX:,} characters.")
    with transaction.atomic():
        plan = pause_plan_by_client(actor=actor, now=now)
        tell_care_team(
            actor=actor,
            client=own_client(actor, Category.CLINICAL, detail="portal:pause"),
            kind=NoticeKind.PAUSE_REQUESTED,
            now=now,
            detail=note,
        )
    return plan
