"""API shapes of intensive plans, templates, and the planner's proposals.

A proposal's appointments have exactly the shape of a ``POST /api/v1/appointments`` body
(``scheduling.schemas.AppointmentIn``), so each can be checked or booked as it is.
"""

import datetime as dt
from typing import Any

from ninja import Field

from kapcare.core.api_fields import Day, RecordId, Text
from kapcare.core.api_schema import Schema
from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.people.schemas import StateCode
from kapcare.scheduling.schemas import AppointmentIn, AppointmentOut

__all__ = [
    "BookedIntensivesOut",
    "IntensivePlanIn",
    "IntensivePlanOut",
    "PlanRequestIn",
    "ProposalIn",
    "ProposalOut",
    "TemplateIn",
    "TemplateOut",
]

PATTERN_DOC = (
    "The days of the intensive, in order; each day is a list of blocks "
    '{"activity": preparation|medicine|integration|parts_work|emdr|closure, '
    '"minutes": 15..480 in steps of 15, "modality": in_person|telehealth}, ending with '
    "its closure."
)


class TemplateIn(Schema):
    name: Text = Field(max_length=100)
    pattern: list[Any] = Field(description=PATTERN_DOC)


class TemplateOut(Schema):
    id: int
    name: str
    pattern: list[Any]

    @staticmethod
    def of(template: PatternTemplate) -> "TemplateOut":
        return TemplateOut(id=template.pk, name=template.name, pattern=template.pattern)


class IntensivePlanIn(Schema):
    earliest_start: Day
    pattern: list[Any] | None = Field(None, description=PATTERN_DOC + " Or give a template.")
    template: RecordId | None = None
    approved_dosing_days: list[int] | None = Field(
        None,
        max_length=14,
        description="Day numbers (1 is the first day) approved for a medicine session; "
        "only a medical provider may change them. Left out: kept as they are.",
    )
    preferred_clinicians: list[RecordId] = Field(default_factory=list, max_length=20)
    day_ends_by: dt.time | None = Field(None, description="Preferred latest end of each day.")
    virtual_location_state: StateCode | None = Field(
        None,
        description="Where the client will be during the virtual blocks: a two-letter US "
        "state code; left out, the home state. The practice must offer virtual sessions "
        "there and a therapist be licensed there (422 on this field otherwise); each "
        "proposed virtual appointment carries it as ``client_location_state``.",
    )


class IntensivePlanOut(Schema):
    client: int
    days: int
    pattern: list[Any]
    template: int | None
    approved_dosing_days: list[int]
    dosing_approved_by: int | None
    preferred_clinicians: list[int]
    earliest_start: dt.date
    day_ends_by: dt.time | None
    virtual_location_state: str | None

    @staticmethod
    def of(plan: IntensivePlan) -> "IntensivePlanOut":
        """Needs ``preferred_clinicians`` prefetched (or it costs a query)."""
        return IntensivePlanOut(
            client=plan.client_id,
            days=len(plan.pattern),
            pattern=plan.pattern,
            template=plan.template_id,
            approved_dosing_days=list(plan.approved_dosing_days),
            dosing_approved_by=plan.dosing_approved_by_id,
            preferred_clinicians=sorted(s.pk for s in plan.preferred_clinicians.all()),
            earliest_start=plan.earliest_start,
            day_ends_by=plan.day_ends_by,
            virtual_location_state=plan.virtual_location_state or None,
        )


class PlanRequestIn(Schema):
    clients: list[RecordId] = Field(min_length=1, max_length=25)
    days: int = Field(ge=1, le=14)
    earliest_start: Day


class ProposalOut(Schema):
    appointments: list[AppointmentIn]


class ProposalIn(Schema):
    appointments: list[AppointmentIn] = Field(min_length=1, max_length=200)


class BookedIntensivesOut(Schema):
    appointments: list[AppointmentOut]
    """In the order of the proposal; a medicine session's integration right after it."""
