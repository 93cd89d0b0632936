"""Psychotherapy notes: written by one clinician, readable by that clinician only.

A separate record (45 CFR 164.501, 164.508): no other care-team member, no privacy
officer, no export, FHIR, portal or search reaches it; the only reads are here, and
each is audited. Every entry point reaches the client through ``people.access`` on the
``psychotherapy_notes`` category (therapists on the care team) and then only the notes
the actor wrote; anything else is the same audited 404. Only ciphertext is stored
(``notes.crypto``); the text is never logged or put in an error.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.errors import FieldError
from kapcare.core.ids import is_record_id
from kapcare.notes.crypto import KeyRing, Sealed
from kapcare.notes.models import PsychotherapyNote
from kapcare.notes.services.common import audit
from kapcare.people.access import Actor, access_client, deny, staff_of
from kapcare.people.policy import Category

__all__ = [
    "MAX_NOTE",
    "ReadNote",
    "get_psychotherapy_note",
    "list_psychotherapy_notes",
    "sealed_of",
    "write_psychotherapy_note",
]

CATEGORY = Category.PSYCHOTHERAPY_NOTES
MAX_NOTE = 20000


@dataclass(frozen=True)
class ReadNote:
    id: int
    client_id: int
    text: str
    created_at: dt.datetime


def sealed_of(note: PsychotherapyNote) -> Sealed:
    return Sealed(key_id=note.key_id, nonce=bytes(note.nonce), ciphertext=bytes(note.ciphertext))


def _read(note: PsychotherapyNote, ring: KeyRing) -> ReadNote:
    text = ring.open(sealed_of(note), client_id=note.client_id, author_id=note.author_id)
    return ReadNote(id=note.pk, client_id=note.client_id, text=text, created_at=note.created_at)


def write_psychotherapy_note(
    *, actor: Actor, client_id: int, text: str, now: dt.datetime
) -> ReadNote:
    staff = staff_of(actor, CATEGORY, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, CATEGORY, action=AuditAction.CREATE, detail="psychotherapy_note"
    )
    text = text.strip()
    if not text:
        raise FieldError("text", "Write the note.")
    if len(text) > MAX_NOTE:
        raise FieldError("text", f"Keep a note to {MAX_NOTE} characters.")
    ring = KeyRing.from_environment()
    sealed = ring.seal(text, client_id=client.pk, author_id=staff.pk)
    with transaction.atomic():
        note = PsychotherapyNote.objects.create(
            client=client,
            author=staff,
            key_id=sealed.key_id,
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
            created_at=now,
        )
        audit(actor, client.pk, AuditAction.CREATE, f"psychotherapy_note:{note.pk}",
              category=CATEGORY)  # fmt: skip
    return ReadNote(id=note.pk, client_id=client.pk, text=text, created_at=now)


def list_psychotherapy_notes(
    actor: Actor, client_id: int, *, offset: int = 0, limit: int = 50
) -> tuple[list[ReadNote], int]:
    """The actor's own psychotherapy notes of the client, newest first (an audited read)."""
    staff = staff_of(actor, CATEGORY)
    client = access_client(actor, client_id, CATEGORY, detail="psychotherapy_notes")
    mine = PsychotherapyNote.objects.filter(client=client, author=staff).order_by(
        "-created_at", "-id"
    )
    ring = KeyRing.from_environment()
    return [_read(n, ring) for n in mine[offset : offset + limit]], mine.count()


def get_psychotherapy_note(actor: Actor, note_id: int) -> ReadNote:
    """One note, for its author only; anyone else (and a missing note): audited 404."""
    note = (
        PsychotherapyNote.objects.filter(
            pk=note_id, client__practice_id=actor.staff.practice_id
        ).first()
        if actor.staff is not None and is_record_id(note_id)
        else None
    )
    if note is None or actor.staff is None or note.author_id != actor.staff.pk:
        raise deny(actor, category=CATEGORY, action=AuditAction.READ,
                   detail="psychotherapy_note",
                   client_id=note.client_id if note is not None else None)  # fmt: skip
    access_client(actor, note.client_id, CATEGORY, detail=f"psychotherapy_note:{note.pk}")
    return _read(note, KeyRing.from_environment())
