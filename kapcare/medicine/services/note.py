"""The therapist's note of a medicine session, kept with the record.

The therapist sits in the session and writes what the record's checklist, vitals and
observations do not hold (issue 9: "the therapist has a note field for the session"; the
full progress and psychotherapy notes are the notes app's). Saved as a whole each time
(the console's form and ``PUT .../medicine-record/note``), with who and when; the first
signature locks it with the rest of the record, after which an addendum corrects it.
"""

import datetime as dt

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.text import clean_text
from kapcare.medicine.access import SESSION, access_for_change
from kapcare.medicine.services.record import RecordView, view_of
from kapcare.medicine.services.state import (
    audit_event,
    not_locked,
    refuse,
    saved_session,
    session_for_change,
)
from kapcare.people.access import Actor, staff_of
from kapcare.people.policy import Role

__all__ = ["NOTE_LIMIT", "save_therapist_note"]

NOTE_LIMIT = 5000
"""Characters: a note of the session, not the session's full progress note."""
NOTE_WRITERS = frozenset({Role.THERAPIST})


def save_therapist_note(
    *, actor: Actor, appointment_id: int, text: str, now: dt.datetime
) -> RecordView:
    """Save the therapist's note (the whole text; empty clears it) until the record is signed.

    Only a therapist writes it (others who reach the record read it; 403 to write).
    """
    staff = staff_of(actor, SESSION)
    appointment, client = access_for_change(actor, appointment_id, "note", roles=NOTE_WRITERS)
    text = clean_text(text, "text", limit=NOTE_LIMIT)
    with transaction.atomic():
        session, _ = session_for_change(appointment, now)
        problems = not_locked(session)
        if not problems:
            session = saved_session(session)
            session.therapist_note = text
            session.therapist_note_by = staff
            session.therapist_note_at = now
            session.save(update_fields=["therapist_note", "therapist_note_by", "therapist_note_at"])
            audit_event(actor, client.pk, AuditAction.UPDATE, f"medicine:{appointment.pk}:note")
    if problems:
        raise refuse(actor, client.pk, AuditAction.UPDATE, "note", problems)
    return view_of(appointment, client, session, now)
