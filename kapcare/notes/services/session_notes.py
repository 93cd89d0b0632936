"""Session notes: started for an appointment, saved as a draft, signed (locks),
co-signed when the author's notes need it, amended by addenda.

The state table is ``notes.rules``; the CPT proposal ``kapcare.billing.cpt``. Until the
note is signed its codes follow the proposal unless the clinician chose others (with a
reason); signing fixes them.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kapcare.audit.models import AuditAction
from kapcare.billing.cpt import CptProposal, check_codes, propose_cpt
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.core.violations import Violation
from kapcare.notes import rules
from kapcare.notes.access import CLINICAL, access_note, require_writer
from kapcare.notes.models import NoteAddendum, NoteSupervision, Part, PartAppearance, SessionNote
from kapcare.notes.note_templates import check_fields
from kapcare.notes.services.common import audit, first_problem, refuse
from kapcare.notes.vocabulary import NOTE_KIND_FOR_APPOINTMENT, NoteKind, RiskLevel, SelfQuality
from kapcare.people.access import Actor, access_record, lock_client
from kapcare.scheduling.models import Appointment

__all__ = [
    "NoteChanges",
    "PartShift",
    "add_note_addendum",
    "cosign_note",
    "facts_of",
    "proposal_of",
    "save_draft",
    "sign_note",
    "start_note",
]

RISK_REQUIRED = "note.risk_required"
MAX_HELD_MINUTES = 24 * 60


@dataclass(frozen=True)
class PartShift:
    """A part that appeared in the session, and what shifted for it."""

    part_id: int
    what_shifted: str = ""


@dataclass(frozen=True)
class NoteChanges:
    """What a draft save changes; ``None`` leaves a field as it is."""

    fields: dict[str, str] | None = None
    narrative: str | None = None
    risk_level: RiskLevel | None = None
    risk_notes: str | None = None
    self_energy: list[SelfQuality] | None = None
    held_minutes: int | None = None
    interactive_complexity: bool | None = None
    cpt_codes: list[str] | None = None
    cpt_reason: str | None = None
    parts: list[PartShift] | None = None
    # True: the codes follow the proposal again (a page whose boxes match it sends this).
    cpt_follow_proposal: bool = False


def facts_of(note: SessionNote, actor: Actor) -> rules.NoteFacts:
    staff_id = actor.staff.pk if actor.staff is not None else None
    return rules.NoteFacts(
        signed=note.signed_at is not None,
        needs_cosignature=note.cosigner_id is not None,
        cosigned=note.cosigned_at is not None,
        actor_is_author=note.author_id == staff_id,
        actor_is_cosigner=note.cosigner_id is not None and note.cosigner_id == staff_id,
    )


def proposal_of(note: SessionNote) -> CptProposal:
    kind = "consultation" if note.kind == NoteKind.INTAKE else note.kind
    return propose_cpt(kind, note.held_minutes, interactive_complexity=note.interactive_complexity)


def _booked_minutes(appointment: Appointment) -> int:
    return int((appointment.end - appointment.start).total_seconds() // 60)


def start_note(*, actor: Actor, appointment_id: int, now: dt.datetime) -> SessionNote:
    """The actor's note of the appointment: a new draft, or the one they already started."""
    appointment, client = access_record(
        actor,
        Appointment.objects.all(),
        appointment_id,
        CLINICAL,
        action=AuditAction.CREATE,
        detail="session_note",
    )
    staff = require_writer(actor, client.pk, "create:session_note")
    existing = SessionNote.objects.filter(appointment=appointment, author=staff).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            note = SessionNote.objects.create(
                client=client,
                appointment=appointment,
                kind=NOTE_KIND_FOR_APPOINTMENT[appointment.kind].value,
                author=staff,
                held_minutes=min(_booked_minutes(appointment), MAX_HELD_MINUTES),
                cpt_codes=None,
                created_at=now,
                updated_at=now,
            )
            audit(actor, client.pk, AuditAction.CREATE, f"session_note:{note.pk}")
    except IntegrityError:
        # A second tab started the same note at the same moment: that one is the note.
        return SessionNote.objects.get(appointment=appointment, author=staff)
    return note


def _check_changes(note: SessionNote, changes: NoteChanges) -> None:
    kind = NoteKind(note.kind)
    if changes.fields is not None:
        first_problem(check_fields(kind, changes.fields))
    if changes.held_minutes is not None and not 0 <= changes.held_minutes <= MAX_HELD_MINUTES:
        raise FieldError("held_minutes", f"Give the minutes held, 0 to {MAX_HELD_MINUTES}.")
    if changes.self_energy is not None and len(set(changes.self_energy)) != len(
        changes.self_energy
    ):
        raise FieldError("self_energy", "Name each quality once.")
    if changes.parts is not None:
        ids = [p.part_id for p in changes.parts]
        if len(set(ids)) != len(ids):
            raise FieldError("parts", "Name each part once.")
        known = set(
            Part.objects.filter(client_id=note.client_id, pk__in=ids).values_list("pk", flat=True)
        )
        if set(ids) - known:
            raise FieldError("parts", "Choose parts from this client's parts map.")


def save_draft(
    *, actor: Actor, note_id: int, changes: NoteChanges, now: dt.datetime
) -> SessionNote:
    """Save what the author wrote so far; refused once the note is signed."""
    note, client = access_note(actor, note_id, action=AuditAction.UPDATE, detail="session_note")
    require_writer(actor, client.pk, f"update:session_note:{note.pk}")
    with transaction.atomic():
        lock_client(client.pk)
        note = SessionNote.objects.select_for_update().get(pk=note.pk)
        problems = rules.check_action(facts_of(note, actor), rules.Action.EDIT)
        if not problems:
            _save(actor, note, changes, now)
    if problems:
        # Outside the transaction: the refusal's audit row must outlive its rollback.
        raise refuse(actor, client.pk, AuditAction.UPDATE, "session_note", problems)
    return note


def _save(actor: Actor, note: SessionNote, changes: NoteChanges, now: dt.datetime) -> None:
    _check_changes(note, changes)
    for name in ("narrative", "risk_notes", "cpt_reason"):
        value = getattr(changes, name)
        if value is not None:
            setattr(note, name, clean_text(value, name))
    if changes.fields is not None:
        note.fields = {k: clean_text(v, f"fields.{k}") for k, v in changes.fields.items()}
    if changes.risk_level is not None:
        note.risk_level = changes.risk_level.value
    if changes.self_energy is not None:
        note.self_energy = [q.value for q in changes.self_energy]
    if changes.held_minutes is not None:
        note.held_minutes = changes.held_minutes
    if changes.interactive_complexity is not None:
        note.interactive_complexity = changes.interactive_complexity
    if changes.cpt_follow_proposal:
        note.cpt_codes = None
    elif changes.cpt_codes is not None:
        note.cpt_codes = list(changes.cpt_codes)
    if changes.parts is not None:
        _replace_appearances(note, changes.parts)
    note.updated_at = now
    note.save()
    audit(actor, note.client_id, AuditAction.UPDATE, f"session_note:{note.pk}:draft")


def _replace_appearances(note: SessionNote, parts: list[PartShift]) -> None:
    existing = {a.part_id: a for a in note.appearances.all()}
    wanted = {p.part_id: p for p in parts}
    note.appearances.exclude(part_id__in=list(wanted)).delete()
    for part_id, shift in wanted.items():
        text = clean_text(shift.what_shifted, "parts.what_shifted")
        if part_id in existing:
            if existing[part_id].what_shifted != text:
                existing[part_id].what_shifted = text
                existing[part_id].save(update_fields=["what_shifted"])
        else:
            PartAppearance.objects.create(note=note, part_id=part_id, what_shifted=text)


def _signing_problems(note: SessionNote) -> list[Violation]:
    problems: list[Violation] = []
    if not note.risk_level:
        problems.append(
            Violation(RISK_REQUIRED, "Record the risk assessment before signing.", "risk_level")
        )
    return problems


def sign_note(*, actor: Actor, note_id: int, now: dt.datetime) -> SessionNote:
    """The author signs: the note locks, its codes are fixed, a co-signer is set if needed."""
    note, client = access_note(actor, note_id, action=AuditAction.UPDATE, detail="session_note")
    with transaction.atomic():
        lock_client(client.pk)
        note = SessionNote.objects.select_for_update().get(pk=note.pk)
        problems = rules.check_action(facts_of(note, actor), rules.Action.SIGN)
        problems += _signing_problems(note) if not problems else []
        if not problems:
            _sign(actor, note, now)
    if problems:
        raise refuse(actor, client.pk, AuditAction.UPDATE, "session_note:sign", problems)
    return note


def _sign(actor: Actor, note: SessionNote, now: dt.datetime) -> None:
    proposal = proposal_of(note)
    chosen = proposal.codes if note.cpt_codes is None else note.cpt_codes
    first_problem(check_codes(list(chosen), proposal, note.cpt_reason))
    supervision = NoteSupervision.objects.filter(staff_id=note.author_id).first()
    note.cpt_codes = list(chosen)
    note.signed_at = now
    note.cosigner_id = supervision.supervisor_id if supervision is not None else None
    note.updated_at = now
    note.save()
    audit(actor, note.client_id, AuditAction.UPDATE, f"session_note:{note.pk}:sign")


def cosign_note(*, actor: Actor, note_id: int, now: dt.datetime) -> SessionNote:
    """The author's supervisor co-signs a signed note."""
    note, client = access_note(actor, note_id, action=AuditAction.UPDATE, detail="session_note")
    with transaction.atomic():
        note = SessionNote.objects.select_for_update().get(pk=note.pk)
        problems = rules.check_action(facts_of(note, actor), rules.Action.COSIGN)
        if not problems:
            note.cosigned_at = now
            note.save(update_fields=["cosigned_at"])
            audit(actor, client.pk, AuditAction.UPDATE, f"session_note:{note.pk}:cosign")
    if problems:
        raise refuse(actor, client.pk, AuditAction.UPDATE, "session_note:cosign", problems)
    return note


def add_note_addendum(*, actor: Actor, note_id: int, text: str, now: dt.datetime) -> NoteAddendum:
    """Add to a signed note (a clinician on the team); the note itself is kept as signed."""
    note, client = access_note(actor, note_id, action=AuditAction.CREATE, detail="note_addendum")
    staff = require_writer(actor, client.pk, f"create:note_addendum:{note.pk}")
    text = clean_text(text, "text")
    if not text:
        raise FieldError("text", "Write the addendum.")
    with transaction.atomic():
        note = SessionNote.objects.select_for_update().get(pk=note.pk)
        problems = rules.check_action(facts_of(note, actor), rules.Action.ADDENDUM)
        if not problems:
            addendum = NoteAddendum.objects.create(
                note=note, text=text, written_by=staff, written_at=now
            )
            audit(actor, client.pk, AuditAction.CREATE, f"session_note:{note.pk}:addendum")
    if problems:
        raise refuse(actor, client.pk, AuditAction.CREATE, "note_addendum", problems)
    return addendum
