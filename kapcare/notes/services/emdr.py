"""EMDR targets and the sessions that work on them.

Ranges (SUD 0-10, VOC 1-7) are refused by the API's schema with 422 naming the field,
checked again here for every other caller, and constrained in the database.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.notes import rules
from kapcare.notes.access import (
    access_emdr_target,
    access_note,
    client_for_change,
    require_writer,
)
from kapcare.notes.models import EmdrSession, EmdrTarget, SessionNote
from kapcare.notes.services.common import audit, refuse
from kapcare.notes.services.session_notes import facts_of
from kapcare.notes.vocabulary import BilateralStimulation, Closure, EmdrPhase, Prong
from kapcare.people.access import Actor, lock_client

__all__ = [
    "EmdrSessionIn",
    "EmdrTargetIn",
    "link_emdr_session",
    "record_emdr_session",
    "record_emdr_target",
]

SUD_RANGE = range(0, 11)
VOC_RANGE = range(1, 8)
MAX_SETS = 500


@dataclass(frozen=True)
class EmdrTargetIn:
    image: str
    negative_cognition: str
    positive_cognition: str
    voc: int
    emotion: str
    sud: int
    prong: Prong
    body_location: str = ""


@dataclass(frozen=True)
class EmdrSessionIn:
    held_at: dt.datetime
    phase_reached: EmdrPhase
    sud_start: int
    sud_end: int
    voc_start: int
    voc_end: int
    bls_type: BilateralStimulation
    bls_sets: int
    closure: Closure
    note_id: int | None = None
    reevaluated_target_id: int | None = None
    reevaluation_sud: int | None = None


def _in_range(value: int, allowed: range, field: str, what: str) -> None:
    if value not in allowed:
        raise FieldError(field, f"{what} is from {allowed.start} to {allowed.stop - 1}.")


def _required(value: str, field: str, limit: int) -> str:
    text = clean_text(value, field, limit=limit)
    if not text:
        raise FieldError(field, "This field is required.")
    return text


def record_emdr_target(
    *, actor: Actor, client_id: int, target: EmdrTargetIn, now: dt.datetime
) -> EmdrTarget:
    client, staff = client_for_change(actor, client_id, "emdr_target")
    _in_range(target.sud, SUD_RANGE, "sud", "SUD")
    _in_range(target.voc, VOC_RANGE, "voc", "VOC")
    with transaction.atomic():
        row = EmdrTarget.objects.create(
            client=client,
            image=_required(target.image, "image", 5000),
            negative_cognition=_required(target.negative_cognition, "negative_cognition", 300),
            positive_cognition=_required(target.positive_cognition, "positive_cognition", 300),
            voc=target.voc,
            emotion=_required(target.emotion, "emotion", 200),
            sud=target.sud,
            body_location=clean_text(target.body_location, "body_location", limit=200),
            prong=target.prong.value,
            created_by=staff,
            created_at=now,
        )
        audit(actor, client.pk, AuditAction.CREATE, f"emdr_target:{row.pk}")
    return row


def record_emdr_session(
    *, actor: Actor, target_id: int, session: EmdrSessionIn, now: dt.datetime
) -> EmdrSession:
    target, client = access_emdr_target(
        actor, target_id, action=AuditAction.CREATE, detail="emdr_session"
    )
    staff = require_writer(actor, client.pk, f"create:emdr_session:{target.pk}")
    for field, value in (("sud_start", session.sud_start), ("sud_end", session.sud_end)):
        _in_range(value, SUD_RANGE, field, "SUD")
    for field, value in (("voc_start", session.voc_start), ("voc_end", session.voc_end)):
        _in_range(value, VOC_RANGE, field, "VOC")
    if not 0 <= session.bls_sets <= MAX_SETS:
        raise FieldError("bls_sets", f"Give the number of sets, 0 to {MAX_SETS}.")
    if session.held_at.tzinfo is None:
        raise FieldError("held_at", "Give the time with its offset.")
    if session.held_at > now:
        raise FieldError("held_at", "A session cannot be recorded before it happens.")
    if (session.reevaluation_sud is None) != (session.reevaluated_target_id is None):
        raise FieldError(
            "reevaluation_sud", "Give the previous target and its SUD now, or neither."
        )
    if session.reevaluation_sud is not None and session.reevaluated_target_id is not None:
        _in_range(session.reevaluation_sud, SUD_RANGE, "reevaluation_sud", "SUD")
        if not EmdrTarget.objects.filter(pk=session.reevaluated_target_id, client=client).exists():
            raise FieldError("reevaluated_target", "Choose one of this client's targets.")
    if (
        session.note_id is not None
        and not SessionNote.objects.filter(pk=session.note_id, client=client).exists()
    ):
        raise FieldError("note", "Choose one of this client's session notes.")
    with transaction.atomic():
        row = EmdrSession.objects.create(
            target=target,
            note_id=session.note_id,
            held_at=session.held_at,
            phase_reached=session.phase_reached.value,
            sud_start=session.sud_start,
            sud_end=session.sud_end,
            voc_start=session.voc_start,
            voc_end=session.voc_end,
            bls_type=session.bls_type.value,
            bls_sets=session.bls_sets,
            closure=session.closure.value,
            reevaluated_target_id=session.reevaluated_target_id,
            reevaluation_sud=session.reevaluation_sud,
            recorded_by=staff,
            recorded_at=now,
        )
        audit(actor, client.pk, AuditAction.CREATE, f"emdr_session:{row.pk}")
    return row


def link_emdr_session(
    *, actor: Actor, note_id: int, emdr_session_id: int, now: dt.datetime
) -> EmdrSession:
    """Name an EMDR session of the client as part of this session note (the note's
    author, while the note is a draft: a signed note is locked)."""
    note, client = access_note(actor, note_id, action=AuditAction.UPDATE, detail="session_note")
    require_writer(actor, client.pk, f"update:session_note:{note.pk}")
    row: EmdrSession | None = None
    with transaction.atomic():
        lock_client(client.pk)
        note = SessionNote.objects.select_for_update().get(pk=note.pk)
        problems = rules.check_action(facts_of(note, actor), rules.Action.EDIT)
        if not problems:
            row = EmdrSession.objects.filter(
                pk=emdr_session_id, target__client=client, note__isnull=True
            ).first()
        if row is not None:
            row.note = note
            row.save(update_fields=["note"])
            audit(actor, client.pk, AuditAction.UPDATE, f"emdr_session:{row.pk}:note:{note.pk}")
    if problems:
        # Outside the transaction: the refusal's audit row must outlive its rollback.
        raise refuse(actor, client.pk, AuditAction.UPDATE, "session_note", problems)
    if row is None:
        # Saying which EMDR sessions can be added tells what the record holds: a read.
        audit(actor, client.pk, AuditAction.READ, f"session_note:{note.pk}:emdr:not-available")
        raise FieldError(
            "emdr_session", "Choose one of this client's EMDR sessions not yet in a note."
        )
    return row
