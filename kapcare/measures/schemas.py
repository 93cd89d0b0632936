"""API shapes for instruments, scoring and measures in care (stable: add, never rename)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field
from pydantic import ConfigDict

from kapcare.core.api_fields import Day, RecordId, Text
from kapcare.core.api_schema import Schema
from kapcare.core.pagination import PageQuery
from kapcare.measures.definitions import Instrument
from kapcare.measures.models import (
    CompletionLink,
    MeasureAssignment,
    MeasureResponse,
    ResponseSource,
    RiskFlag,
    RiskFlagCode,
    Schedule,
)
from kapcare.measures.scoring import ScoreResult

MAX_ANSWERS = 500


class InstrumentOut(Schema):
    code: str
    name: str
    version: str
    item_count: int
    source: str = Field(description="Citation of the instrument and its scoring.")
    licence: str
    builtin: bool = Field(description="Shipped with KAP Care (false: loaded by the practice).")

    @staticmethod
    def of(instrument: Instrument) -> "InstrumentOut":
        return InstrumentOut(
            code=instrument.code,
            name=instrument.name,
            version=instrument.version,
            item_count=instrument.item_count,
            source=instrument.source,
            licence=instrument.licence,
            builtin=instrument.builtin,
        )


class InstrumentList(Schema):
    items: list[InstrumentOut]
    count: int


class ScoreIn(Schema):
    answers: list[Any] = Field(
        max_length=MAX_ANSWERS,
        description=(
            "One answer per item in the published item order: the item's score (a number) "
            "or true/false for yes/no items; null for an item that was not asked (ASQ "
            "question 5 when questions 1-4 are all no)."
        ),
        examples=[[0, 1, 2, 3, 0, 1, 2, 3, 0]],
    )


class ScoreOut(Schema):
    """A score. Instruments with outcomes add them as further keys (listed below)."""

    model_config = ConfigDict(extra="allow")

    instrument: str
    version: str
    total: int | float | None
    severity: str | None
    subscales: dict[str, int | float]
    flags: list[str]
    provisional_ptsd: bool | None = Field(
        default=None, description="PCL-5 only: the DSM-5 symptom rule is met."
    )
    probable_ptsd: bool | None = Field(
        default=None, description="PCL-5 only: the total is at or above the cut-off (33)."
    )
    diagnosis: str | None = Field(default=None, description="ITQ only: CPTSD, PTSD or none.")
    risk: str | None = Field(default=None, description="ASQ only: negative, non_acute or acute.")

    @staticmethod
    def of(instrument: Instrument, result: ScoreResult) -> "ScoreOut":
        """The answer: outcomes only for the instruments that have them (``exclude_unset``).

        Built without re-validation: ninja's validation of a response would drop
        the outcomes of a practice's own instruments, which are extra keys.
        """
        values: dict[str, Any] = {
            "instrument": result.instrument,
            "version": instrument.version,
            "total": result.total,
            "severity": result.severity,
            "subscales": dict(result.subscales),
            "flags": list(result.flags),
            **result.outcomes,
        }
        return ScoreOut.model_construct(**values)


# --- measures in care -------------------------------------------------------------------

InstrumentCode = Annotated[
    Text,
    Field(
        min_length=1,
        max_length=32,
        description="An instrument's code, as GET /api/v1/instruments lists it (e.g. PHQ-9).",
    ),
]


class MeasureIn(Schema):
    instrument: InstrumentCode
    answers: list[Any] = Field(
        max_length=MAX_ANSWERS,
        description="One answer per item in the published item order (as for /score).",
        examples=[[1, 1, 2, 1, 0, 1, 1, 0, 0]],
    )
    assignment: RecordId | None = Field(
        default=None, description="The open assignment this response completes, if any."
    )


class RiskFlagOut(Schema):
    id: int
    client: int
    code: RiskFlagCode
    label: str
    response: int = Field(description="The response that raised the flag.")
    instrument: str
    raised_at: dt.datetime
    open: bool
    reviewed_at: dt.datetime | None
    reviewed_by: int | None = Field(description="The reviewing staff member's id.")
    review_note: str

    @staticmethod
    def of(flag: RiskFlag, instrument: str) -> "RiskFlagOut":
        return RiskFlagOut(
            id=flag.pk,
            client=flag.client_id,
            code=RiskFlagCode(flag.code),
            label=RiskFlagCode(flag.code).label,
            response=flag.response_id,
            instrument=instrument,
            raised_at=flag.raised_at,
            open=flag.reviewed_at is None,
            reviewed_at=flag.reviewed_at,
            reviewed_by=flag.reviewed_by_id,
            review_note=flag.review_note,
        )


class MeasureOut(Schema):
    """A stored response with its scores, as scored when it was recorded."""

    id: int
    client: int
    instrument: str
    version: str
    completed_at: dt.datetime
    source: ResponseSource
    entered_by: int | None = Field(description="Staff id; null when the client completed it.")
    assignment: int | None
    answers: list[Any]
    total: int | float | None
    severity: str | None
    subscales: dict[str, int | float]
    outcomes: dict[str, bool | str] = Field(
        description="Instrument outcomes, e.g. risk (ASQ), diagnosis (ITQ), probable_ptsd."
    )
    flags: list[str] = Field(description="Flags the scoring raised (e.g. suicidality).")
    risk_flags: list[RiskFlagOut] = Field(
        description="Risk flags this response raised on the chart (open until reviewed)."
    )

    @staticmethod
    def of(response: MeasureResponse, risk_flags: list[RiskFlag]) -> "MeasureOut":
        return MeasureOut(
            id=response.pk,
            client=response.client_id,
            instrument=response.instrument_code,
            version=response.instrument_version,
            completed_at=response.completed_at,
            source=ResponseSource(response.source),
            entered_by=response.entered_by_id,
            assignment=response.assignment_id,
            answers=list(response.answers),
            total=number(response.total),
            severity=response.severity or None,
            subscales=dict(response.subscales),
            outcomes=dict(response.outcomes),
            flags=list(response.flags),
            risk_flags=[RiskFlagOut.of(f, response.instrument_code) for f in risk_flags],
        )


class FlagReviewIn(Schema):
    note: Text = Field(
        max_length=2000, description="What the clinician found and decided (required)."
    )


class RiskFlagFilter(PageQuery):
    open: bool | None = Field(default=None, description="true: open flags only.")


class MeasureFilter(PageQuery):
    instrument: Text | None = Field(
        default=None, max_length=32, description="Only this instrument's responses."
    )


class AssignmentIn(Schema):
    instrument: InstrumentCode
    schedule: Schedule
    due_on: Day = Field(description="Once: the due date. Monthly: the first due date.")


class AssignmentOut(Schema):
    id: int
    client: int
    instrument: str
    schedule: Schedule
    due_on: dt.date
    assigned_at: dt.datetime
    assigned_by: int
    ended_at: dt.datetime | None
    next_due: dt.date | None = Field(description="The next date not yet met, if any.")
    overdue: bool

    @staticmethod
    def of(
        assignment: MeasureAssignment, *, next_due: dt.date | None, overdue: bool
    ) -> "AssignmentOut":
        return AssignmentOut(
            id=assignment.pk,
            client=assignment.client_id,
            instrument=assignment.instrument_code,
            schedule=Schedule(assignment.schedule),
            due_on=assignment.due_on,
            assigned_at=assignment.assigned_at,
            assigned_by=assignment.assigned_by_id,
            ended_at=assignment.ended_at,
            next_due=next_due,
            overdue=overdue,
        )


class LinkIn(Schema):
    instrument: InstrumentCode
    valid_for_hours: int = Field(
        default=168, ge=1, le=720, description="How long the link works (1 hour to 30 days)."
    )
    assignment: RecordId | None = None


class LinkOut(Schema):
    id: int
    client: int
    instrument: str
    url: str = Field(description="The link to send the client; shown once, never stored.")
    expires_at: dt.datetime


class LinkStatusOut(Schema):
    """A completion link without its token (which is never stored)."""

    id: int
    client: int
    instrument: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    withdrawn_at: dt.datetime | None

    @staticmethod
    def of(link: CompletionLink) -> "LinkStatusOut":
        return LinkStatusOut(
            id=link.pk,
            client=link.client_id,
            instrument=link.instrument_code,
            issued_at=link.issued_at,
            expires_at=link.expires_at,
            used_at=link.used_at,
            withdrawn_at=link.revoked_at,
        )


def number(value: Decimal | None) -> int | float | None:
    """A stored score as the scoring API answers it: whole numbers stay whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
