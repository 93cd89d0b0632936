"""Re-encrypting every psychotherapy note under the current key, proved by reading back.

Used by ``manage.py rotate_notes_key``. Each batch is one transaction: its notes are
opened with whichever key of the ring sealed them, sealed again under the current key,
saved, read back from the database and opened with the current key alone; a note that
does not read back as it was rolls the batch back and stops the rotation. The text is
never printed; the proof compares digests.
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.notes.crypto import KeyRing, UnreadableNote
from kapcare.notes.models import PsychotherapyNote
from kapcare.notes.psychotherapy import sealed_of
from kapcare.people.policy import Category

__all__ = ["RotationFailed", "RotationReport", "rotate_notes"]

BATCH = 200


class RotationFailed(Exception):
    """A note did not read back under the current key: its batch was rolled back."""


@dataclass(frozen=True)
class RotationReport:
    total: int
    re_encrypted: int
    verified: int


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def rotate_notes(ring: KeyRing, *, batch: int = BATCH) -> RotationReport:
    current_only = KeyRing(current_id=ring.current_id, keys={
        ring.current_id: ring.keys[ring.current_id]})  # fmt: skip
    ids = list(PsychotherapyNote.objects.order_by("pk").values_list("pk", flat=True))
    re_encrypted = verified = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            digests: dict[int, bytes] = {}
            for note in PsychotherapyNote.objects.select_for_update().filter(pk__in=chunk):
                ad = {"client_id": note.client_id, "author_id": note.author_id}
                try:
                    text = ring.open(sealed_of(note), **ad)
                except UnreadableNote as error:
                    raise RotationFailed(f"Note {note.pk}: {error}") from None
                digests[note.pk] = _digest(text)
                if note.key_id != ring.current_id:
                    sealed = ring.seal(text, **ad)
                    note.key_id, note.nonce, note.ciphertext = (
                        sealed.key_id, sealed.nonce, sealed.ciphertext)  # fmt: skip
                    note.save(update_fields=["key_id", "nonce", "ciphertext"])
                    re_encrypted += 1
            for note in PsychotherapyNote.objects.filter(pk__in=chunk):
                ad = {"client_id": note.client_id, "author_id": note.author_id}
                try:
                    text = current_only.open(sealed_of(note), **ad)
                except UnreadableNote:
                    raise RotationFailed(f"Note {note.pk} does not read back.") from None
                if _digest(text) != digests[note.pk]:
                    raise RotationFailed(f"Note {note.pk} reads back differently.")
                verified += 1
    record_event(
        source=AuditSource(user=None, source_ip=None),
        action=AuditAction.UPDATE,
        category=Category.PSYCHOTHERAPY_NOTES,
        detail=f"rotate_notes_key:{re_encrypted}/{len(ids)}:key:{ring.current_id}",
    )
    return RotationReport(total=len(ids), re_encrypted=re_encrypted, verified=verified)
