"""/api/v1/ session notes, supervision, parts and EMDR targets.

Thin: records are reached through ``notes.access`` and every change goes through
``notes.services``; this module only translates shapes.
"""

from django.http import HttpRequest
from ninja import Query, Router, Status

from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.notes import psychotherapy, queries, services
from kapcare.notes.access import CLINICAL, access_emdr_target, access_note, access_part
from kapcare.notes.schemas import (
    AddendumIn,
    AddendumOut,
    EmdrSessionIn,
    EmdrSessionOut,
    EmdrTargetIn,
    EmdrTargetOut,
    NoteDraftIn,
    NoteEmdrIn,
    NoteOut,
    PartIn,
    PartOut,
    PartPatchIn,
    PsychotherapyNoteIn,
    PsychotherapyNoteOut,
    SupervisionIn,
    SupervisionOut,
)
from kapcare.notes.services.emdr import EmdrSessionIn as SessionData
from kapcare.notes.services.emdr import EmdrTargetIn as TargetData
from kapcare.notes.services.parts import PartChanges
from kapcare.notes.services.session_notes import NoteChanges, PartShift
from kapcare.people.access import access_client, staff_actor

router = Router(tags=["therapy"])


def _note_out(note_id: int) -> NoteOut:
    return NoteOut.of(queries.note_with_rows(note_id))


# --- session notes ------------------------------------------------------------------------


@router.get(
    "/clients/{int:client_id}/session-notes",
    response={200: Page[NoteOut], **LIST_ERRORS},
)
def list_session_notes(
    request: HttpRequest, client_id: int, page: Query[PageQuery]
) -> dict[str, object]:
    """The client's session notes, newest session first (clinicians on the care team)."""
    client = access_client(staff_actor(request), client_id, CLINICAL, detail="session_notes")
    items, count = page_of(queries.notes_of(client), page)
    return {"items": [NoteOut.of(n) for n in items], "count": count}


@router.post(
    "/appointments/{int:appointment_id}/session-note",
    response={201: NoteOut, **WRITE_ERRORS},
)
def start_session_note(request: HttpRequest, appointment_id: int) -> Status[NoteOut]:
    """Start (or reopen) the signed-in clinician's note of the appointment: a draft on the
    template of the appointment's kind, its held minutes the booked length."""
    note = services.start_note(
        actor=staff_actor(request), appointment_id=appointment_id, now=clock.now()
    )
    return Status(201, _note_out(note.pk))


@router.get("/session-notes/{int:note_id}", response={200: NoteOut, **READ_ERRORS})
def get_session_note(request: HttpRequest, note_id: int) -> NoteOut:
    note, _ = access_note(staff_actor(request), note_id, detail="session_note")
    return _note_out(note.pk)


@router.patch("/session-notes/{int:note_id}", response={200: NoteOut, **WRITE_ERRORS})
def save_session_note(request: HttpRequest, note_id: int, payload: NoteDraftIn) -> NoteOut:
    """Save the draft (the author only; a signed note answers 422 `note.locked`).

    `cpt_codes` other than the proposed ones need `cpt_reason` (checked at signing)."""
    note = services.save_draft(
        actor=staff_actor(request),
        note_id=note_id,
        changes=NoteChanges(
            fields=payload.fields,
            narrative=payload.narrative,
            risk_level=payload.risk_level,
            risk_notes=payload.risk_notes,
            self_energy=payload.self_energy,
            held_minutes=payload.held_minutes,
            interactive_complexity=payload.interactive_complexity,
            cpt_codes=payload.cpt_codes,
            cpt_reason=payload.cpt_reason,
            parts=None
            if payload.parts is None
            else [PartShift(p.part, p.what_shifted) for p in payload.parts],
        ),
        now=clock.now(),
    )
    return _note_out(note.pk)


@router.post("/session-notes/{int:note_id}/sign", response={200: NoteOut, **WRITE_ERRORS})
def sign_session_note(request: HttpRequest, note_id: int) -> NoteOut:
    """The author signs; the note locks (addenda only after this)."""
    note = services.sign_note(actor=staff_actor(request), note_id=note_id, now=clock.now())
    return _note_out(note.pk)


@router.post("/session-notes/{int:note_id}/cosign", response={200: NoteOut, **WRITE_ERRORS})
def cosign_session_note(request: HttpRequest, note_id: int) -> NoteOut:
    """The author's supervisor co-signs a signed note."""
    note = services.cosign_note(actor=staff_actor(request), note_id=note_id, now=clock.now())
    return _note_out(note.pk)


@router.post("/session-notes/{int:note_id}/addenda", response={201: AddendumOut, **WRITE_ERRORS})
def add_session_note_addendum(
    request: HttpRequest, note_id: int, payload: AddendumIn
) -> Status[AddendumOut]:
    addendum = services.add_note_addendum(
        actor=staff_actor(request), note_id=note_id, text=payload.text, now=clock.now()
    )
    return Status(201, AddendumOut.of(addendum))


@router.post("/session-notes/{int:note_id}/emdr-sessions", response={200: NoteOut, **WRITE_ERRORS})
def link_session_note_emdr(request: HttpRequest, note_id: int, payload: NoteEmdrIn) -> NoteOut:
    """Name an EMDR session of the client as part of this note (the author, while the
    note is a draft; a signed note answers 422 `note.locked`)."""
    services.link_emdr_session(
        actor=staff_actor(request),
        note_id=note_id,
        emdr_session_id=payload.emdr_session,
        now=clock.now(),
    )
    return _note_out(note_id)


@router.put(
    "/staff/{int:staff_id}/note-supervision", response={200: SupervisionOut, **WRITE_ERRORS}
)
def put_note_supervision(
    request: HttpRequest, staff_id: int, payload: SupervisionIn
) -> SupervisionOut:
    """Whether this clinician's notes need a supervisor's co-signature (practice admin)."""
    row = services.set_supervision(
        actor=staff_actor(request),
        staff_id=staff_id,
        supervisor_id=payload.supervisor,
        now=clock.now(),
    )
    return SupervisionOut(staff=staff_id, supervisor=row.supervisor_id if row else None)


# --- parts ------------------------------------------------------------------------------


@router.get("/clients/{int:client_id}/parts", response={200: Page[PartOut], **LIST_ERRORS})
def list_parts(request: HttpRequest, client_id: int, page: Query[PageQuery]) -> dict[str, object]:
    """The client's parts map, each part with its appearances in session notes."""
    client = access_client(staff_actor(request), client_id, CLINICAL, detail="parts")
    items, count = page_of(queries.parts_of(client), page)
    return {"items": [PartOut.of(p) for p in items], "count": count}


def _part_out(part_id: int) -> PartOut:
    return PartOut.of(queries.part_with_rows(part_id))


@router.post("/clients/{int:client_id}/parts", response={201: PartOut, **WRITE_ERRORS})
def post_part(request: HttpRequest, client_id: int, payload: PartIn) -> Status[PartOut]:
    part = services.record_part(
        actor=staff_actor(request),
        client_id=client_id,
        changes=PartChanges(**payload.model_dump()),
        now=clock.now(),
    )
    return Status(201, _part_out(part.pk))


@router.patch("/parts/{int:part_id}", response={200: PartOut, **WRITE_ERRORS})
def patch_part(request: HttpRequest, part_id: int, payload: PartPatchIn) -> PartOut:
    """Change some of a part's fields; those left out stay as they are."""
    data = payload.model_dump(exclude_unset=True)
    if data.get("permission") is None:
        data.pop("permission", None)
    part = services.update_part(
        actor=staff_actor(request),
        part_id=part_id,
        changes=PartChanges(**data),
        now=clock.now(),
    )
    return _part_out(part.pk)


@router.get("/parts/{int:part_id}", response={200: PartOut, **READ_ERRORS})
def get_part(request: HttpRequest, part_id: int) -> PartOut:
    part, _ = access_part(staff_actor(request), part_id, detail="part")
    return _part_out(part.pk)


# --- EMDR -------------------------------------------------------------------------------


@router.get(
    "/clients/{int:client_id}/emdr-targets", response={200: Page[EmdrTargetOut], **LIST_ERRORS}
)
def list_emdr_targets(
    request: HttpRequest, client_id: int, page: Query[PageQuery]
) -> dict[str, object]:
    """The client's EMDR targets, each with its sessions (oldest first)."""
    client = access_client(staff_actor(request), client_id, CLINICAL, detail="emdr_targets")
    items, count = page_of(queries.emdr_targets_of(client), page)
    return {"items": [EmdrTargetOut.of(t) for t in items], "count": count}


@router.post("/clients/{int:client_id}/emdr-targets", response={201: EmdrTargetOut, **WRITE_ERRORS})
def post_emdr_target(
    request: HttpRequest, client_id: int, payload: EmdrTargetIn
) -> Status[EmdrTargetOut]:
    """Record a target as assessed: SUD 0-10 and VOC 1-7, else 422 naming the field."""
    target = services.record_emdr_target(
        actor=staff_actor(request),
        client_id=client_id,
        target=TargetData(**payload.model_dump()),
        now=clock.now(),
    )
    return Status(201, EmdrTargetOut.of(target))


@router.get("/emdr-targets/{int:target_id}", response={200: EmdrTargetOut, **READ_ERRORS})
def get_emdr_target(request: HttpRequest, target_id: int) -> EmdrTargetOut:
    target, client = access_emdr_target(staff_actor(request), target_id, detail="emdr_target")
    return EmdrTargetOut.of(queries.emdr_targets_of(client).get(pk=target.pk))


@router.post(
    "/emdr-targets/{int:target_id}/sessions", response={201: EmdrSessionOut, **WRITE_ERRORS}
)
def post_emdr_session(
    request: HttpRequest, target_id: int, payload: EmdrSessionIn
) -> Status[EmdrSessionOut]:
    """Record a session's work on the target: phase reached, SUD and VOC at start and end,
    bilateral stimulation, closure, and the reevaluation of the previous target."""
    data = payload.model_dump()
    row = services.record_emdr_session(
        actor=staff_actor(request),
        target_id=target_id,
        session=SessionData(
            note_id=data.pop("note"),
            reevaluated_target_id=data.pop("reevaluated_target"),
            **data,
        ),
        now=clock.now(),
    )
    return Status(201, EmdrSessionOut.of(row))


# --- psychotherapy notes (author only) --------------------------------------------------


def _psychotherapy_out(note: psychotherapy.ReadNote) -> PsychotherapyNoteOut:
    return PsychotherapyNoteOut(
        id=note.id, client=note.client_id, text=note.text, created_at=note.created_at
    )


@router.get(
    "/clients/{int:client_id}/psychotherapy-notes",
    response={200: Page[PsychotherapyNoteOut], **LIST_ERRORS},
)
def list_psychotherapy_notes(
    request: HttpRequest, client_id: int, page: Query[PageQuery]
) -> dict[str, object]:
    """Your own psychotherapy notes of the client, newest first. Nobody else's: anyone
    but a therapist on the care team gets 404, and a therapist sees only what they wrote."""
    items, count = psychotherapy.list_psychotherapy_notes(
        staff_actor(request), client_id, offset=page.offset, limit=page.limit
    )
    return {"items": [_psychotherapy_out(n) for n in items], "count": count}


@router.post(
    "/clients/{int:client_id}/psychotherapy-notes",
    response={201: PsychotherapyNoteOut, **WRITE_ERRORS},
)
def post_psychotherapy_note(
    request: HttpRequest, client_id: int, payload: PsychotherapyNoteIn
) -> Status[PsychotherapyNoteOut]:
    """Write a psychotherapy note, kept apart from the record and encrypted at rest."""
    note = psychotherapy.write_psychotherapy_note(
        actor=staff_actor(request), client_id=client_id, text=payload.text, now=clock.now()
    )
    return Status(201, _psychotherapy_out(note))


@router.get(
    "/psychotherapy-notes/{int:psychotherapy_note_id}",
    response={200: PsychotherapyNoteOut, **READ_ERRORS},
)
def get_psychotherapy_note(
    request: HttpRequest, psychotherapy_note_id: int
) -> PsychotherapyNoteOut:
    """One psychotherapy note: its author only; anyone else 404."""
    return _psychotherapy_out(
        psychotherapy.get_psychotherapy_note(staff_actor(request), psychotherapy_note_id)
    )
