"""API shapes of session notes, parts, EMDR targets and sessions.

A stable contract (issue 10): keep these names, add freely. Times are ISO-8601 with
an offset.
"""

import datetime as dt
from typing import Annotated

from ninja import Field

from kapcare.core.api_fields import Instant, LongText, RecordId, Text
from kapcare.core.api_schema import Schema
from kapcare.notes import rules
from kapcare.notes.models import EmdrSession, EmdrTarget, NoteAddendum, Part, SessionNote
from kapcare.notes.vocabulary import (
    BilateralStimulation,
    Closure,
    EmdrPhase,
    NoteKind,
    PartRole,
    Permission,
    Prong,
    RiskLevel,
    SelfQuality,
    UnburdeningStep,
)

Sud = Annotated[int, Field(ge=0, le=10, description="Subjective units of disturbance, 0-10.")]
Voc = Annotated[int, Field(ge=1, le=7, description="Validity of cognition, 1-7.")]


class PartShiftIn(Schema):
    part: RecordId
    what_shifted: LongText = ""


class NoteDraftIn(Schema):
    """What a draft save changes; a field left out stays as it is."""

    fields: dict[Text, LongText] | None = Field(
        None, description="The template's structured fields, by key (see `template`)."
    )
    narrative: LongText | None = None
    risk_level: RiskLevel | None = None
    risk_notes: LongText | None = None
    self_energy: list[SelfQuality] | None = Field(None, max_length=8)
    held_minutes: int | None = Field(None, ge=0, le=1440)
    interactive_complexity: bool | None = None
    cpt_codes: list[Annotated[Text, Field(max_length=10)]] | None = Field(None, max_length=6)
    cpt_reason: Annotated[Text, Field(max_length=500)] | None = None
    parts: list[PartShiftIn] | None = Field(None, max_length=50)


class AddendumIn(Schema):
    text: LongText


class AddendumOut(Schema):
    id: int
    text: str
    written_by: int
    written_at: dt.datetime

    @staticmethod
    def of(addendum: NoteAddendum) -> "AddendumOut":
        return AddendumOut(
            id=addendum.pk,
            text=addendum.text,
            written_by=addendum.written_by_id,
            written_at=addendum.written_at,
        )


class PartShiftOut(Schema):
    part: int
    name: str
    what_shifted: str


class CptOut(Schema):
    codes: list[str]
    explanation: str


class NoteOut(Schema):
    id: int
    client: int
    appointment: int
    kind: NoteKind
    author: int
    state: rules.NoteState
    fields: dict[str, str]
    narrative: str
    risk_level: RiskLevel | None
    risk_notes: str
    self_energy: list[SelfQuality]
    parts: list[PartShiftOut]
    held_minutes: int | None
    interactive_complexity: bool
    proposed_cpt: CptOut
    cpt_codes: list[str] = Field(description="The proposal until the clinician chooses others.")
    cpt_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    signed_at: dt.datetime | None
    cosigner: int | None
    cosigned_at: dt.datetime | None
    documents_session: bool = Field(
        description="Signed (and co-signed if needed): the session's documentation is complete."
    )
    addenda: list[AddendumOut]
    emdr_sessions: list[int] = Field(
        default_factory=list, description="The EMDR sessions recorded as part of this session."
    )

    @staticmethod
    def of(note: SessionNote) -> "NoteOut":
        from kapcare.notes.services.session_notes import proposal_of

        proposal = proposal_of(note)
        facts = rules.NoteFacts(
            signed=note.signed_at is not None,
            needs_cosignature=note.cosigner_id is not None,
            cosigned=note.cosigned_at is not None,
            actor_is_author=False,
            actor_is_cosigner=False,
        )
        return NoteOut(
            id=note.pk,
            client=note.client_id,
            appointment=note.appointment_id,
            kind=NoteKind(note.kind),
            author=note.author_id,
            state=rules.state_of(facts),
            fields=note.fields,
            narrative=note.narrative,
            risk_level=RiskLevel(note.risk_level) if note.risk_level else None,
            risk_notes=note.risk_notes,
            self_energy=[SelfQuality(q) for q in note.self_energy],
            parts=[
                PartShiftOut(part=a.part_id, name=a.part.name, what_shifted=a.what_shifted)
                for a in note.appearances.all()
            ],
            held_minutes=note.held_minutes,
            interactive_complexity=note.interactive_complexity,
            proposed_cpt=CptOut(codes=list(proposal.codes), explanation=proposal.explanation),
            cpt_codes=list(proposal.codes if note.cpt_codes is None else note.cpt_codes),
            cpt_reason=note.cpt_reason,
            created_at=note.created_at,
            updated_at=note.updated_at,
            signed_at=note.signed_at,
            cosigner=note.cosigner_id,
            cosigned_at=note.cosigned_at,
            documents_session=rules.documents_session(facts),
            addenda=[AddendumOut.of(a) for a in note.addenda.all()],
            emdr_sessions=[s.pk for s in note.emdr_sessions.all()],
        )


class NoteEmdrIn(Schema):
    emdr_session: RecordId = Field(description="One of the client's EMDR sessions not in a note.")


class SupervisionIn(Schema):
    supervisor: RecordId | None = Field(
        description="The clinician who co-signs this person's notes; null: none needed."
    )


class SupervisionOut(Schema):
    staff: int
    supervisor: int | None


class PartIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    role: PartRole
    body_location: Annotated[Text, Field(max_length=200)] = ""
    age_it_feels: Annotated[Text, Field(max_length=50)] = ""
    burdens: LongText = ""
    fears: LongText = ""
    feeling_toward: Annotated[Text, Field(max_length=500)] = ""
    permission: Permission = Permission.NOT_ASKED
    unburdening_steps: list[UnburdeningStep] = Field(default_factory=list, max_length=4)
    protects: list[RecordId] = Field(default_factory=list, max_length=50)


class PartPatchIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    role: PartRole | None = None
    body_location: Annotated[Text, Field(max_length=200)] | None = None
    age_it_feels: Annotated[Text, Field(max_length=50)] | None = None
    burdens: LongText | None = None
    fears: LongText | None = None
    feeling_toward: Annotated[Text, Field(max_length=500)] | None = None
    permission: Permission | None = None
    unburdening_steps: list[UnburdeningStep] | None = Field(None, max_length=4)
    protects: list[RecordId] | None = Field(None, max_length=50)


class AppearanceOut(Schema):
    note: int
    kind: NoteKind
    at: dt.datetime
    what_shifted: str


class PartOut(Schema):
    id: int
    client: int
    name: str
    role: PartRole
    body_location: str
    age_it_feels: str
    burdens: str
    fears: str
    feeling_toward: str
    permission: Permission
    unburdening_steps: list[UnburdeningStep]
    protects: list[int]
    protected_by: list[int]
    appearances: list[AppearanceOut]
    updated_at: dt.datetime

    @staticmethod
    def of(part: Part) -> "PartOut":
        return PartOut(
            id=part.pk,
            client=part.client_id,
            name=part.name,
            role=PartRole(part.role),
            body_location=part.body_location,
            age_it_feels=part.age_it_feels,
            burdens=part.burdens,
            fears=part.fears,
            feeling_toward=part.feeling_toward,
            permission=Permission(part.permission),
            unburdening_steps=[UnburdeningStep(s) for s in part.unburdening_steps],
            protects=[p.pk for p in part.protects.all()],
            protected_by=[p.pk for p in part.protected_by.all()],
            appearances=[
                AppearanceOut(
                    note=a.note_id,
                    kind=NoteKind(a.note.kind),
                    at=a.note.appointment.start,
                    what_shifted=a.what_shifted,
                )
                for a in part.appearances.all()
            ],
            updated_at=part.updated_at,
        )


class EmdrTargetIn(Schema):
    image: Annotated[Text, Field(min_length=1, max_length=5000)]
    negative_cognition: Annotated[Text, Field(min_length=1, max_length=300)]
    positive_cognition: Annotated[Text, Field(min_length=1, max_length=300)]
    voc: Voc
    emotion: Annotated[Text, Field(min_length=1, max_length=200)]
    sud: Sud
    body_location: Annotated[Text, Field(max_length=200)] = ""
    prong: Prong


class EmdrSessionIn(Schema):
    held_at: Instant
    phase_reached: EmdrPhase
    sud_start: Sud
    sud_end: Sud
    voc_start: Voc
    voc_end: Voc
    bls_type: BilateralStimulation
    bls_sets: int = Field(ge=0, le=500)
    closure: Closure
    note: RecordId | None = None
    reevaluated_target: RecordId | None = None
    reevaluation_sud: Sud | None = None


class EmdrSessionOut(Schema):
    id: int
    target: int
    note: int | None
    held_at: dt.datetime
    phase_reached: EmdrPhase
    sud_start: int
    sud_end: int
    voc_start: int
    voc_end: int
    bls_type: BilateralStimulation
    bls_sets: int
    closure: Closure
    reevaluated_target: int | None
    reevaluation_sud: int | None

    @staticmethod
    def of(row: EmdrSession) -> "EmdrSessionOut":
        return EmdrSessionOut(
            id=row.pk,
            target=row.target_id,
            note=row.note_id,
            held_at=row.held_at,
            phase_reached=EmdrPhase(row.phase_reached),
            sud_start=row.sud_start,
            sud_end=row.sud_end,
            voc_start=row.voc_start,
            voc_end=row.voc_end,
            bls_type=BilateralStimulation(row.bls_type),
            bls_sets=row.bls_sets,
            closure=Closure(row.closure),
            reevaluated_target=row.reevaluated_target_id,
            reevaluation_sud=row.reevaluation_sud,
        )


class EmdrTargetOut(Schema):
    id: int
    client: int
    image: str
    negative_cognition: str
    positive_cognition: str
    voc: int
    emotion: str
    sud: int
    body_location: str
    prong: Prong
    created_at: dt.datetime
    sessions: list[EmdrSessionOut]

    @staticmethod
    def of(target: EmdrTarget) -> "EmdrTargetOut":
        return EmdrTargetOut(
            id=target.pk,
            client=target.client_id,
            image=target.image,
            negative_cognition=target.negative_cognition,
            positive_cognition=target.positive_cognition,
            voc=target.voc,
            emotion=target.emotion,
            sud=target.sud,
            body_location=target.body_location,
            prong=Prong(target.prong),
            created_at=target.created_at,
            sessions=[EmdrSessionOut.of(s) for s in target.sessions.all()],
        )


class PsychotherapyNoteIn(Schema):
    text: Annotated[Text, Field(min_length=1, max_length=20000)]


class PsychotherapyNoteOut(Schema):
    id: int
    client: int
    text: str
    created_at: dt.datetime
