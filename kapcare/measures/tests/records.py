"""Records of a client's measures, made directly (as fixtures), for tests anywhere."""

import datetime as dt

from kapcare.core import clock
from kapcare.measures import tokens
from kapcare.measures.models import (
    CompletionLink,
    MeasureAssignment,
    MeasureResponse,
    ResponseSource,
    RiskFlag,
    Schedule,
)
from kapcare.people.models import Client, StaffMember


def response_of(
    client: Client,
    staff: StaffMember,
    *,
    code: str = "PHQ-9",
    total: int | None = 12,
    flags: list[str] | None = None,
    at: dt.datetime | None = None,
) -> MeasureResponse:
    return MeasureResponse.objects.create(
        client=client,
        instrument_code=code,
        instrument_version="1.0",
        answers=[],
        source=ResponseSource.STAFF,
        entered_by=staff,
        completed_at=at or clock.now(),
        total=total,
        flags=flags or [],
    )


def open_flag_of(client: Client, staff: StaffMember, *, code: str = "suicidality") -> int:
    """An open risk flag on the client's chart; its id."""
    response = response_of(client, staff, flags=[code])
    return RiskFlag.objects.create(
        client=client, code=code, response=response, raised_at=clock.now()
    ).pk


def assignment_of(client: Client, staff: StaffMember, *, code: str = "PHQ-9") -> int:
    return MeasureAssignment.objects.create(
        client=client,
        instrument_code=code,
        schedule=Schedule.MONTHLY,
        due_on=clock.today(),
        assigned_by=staff,
        assigned_at=clock.now(),
    ).pk


def link_token_of(client: Client, staff: StaffMember, *, code: str = "GAD-7") -> str:
    """A usable completion link for the client; its token."""
    token, digest = tokens.make_token()
    now = clock.now()
    CompletionLink.objects.create(
        client=client,
        instrument_code=code,
        digest=digest,
        issued_by=staff,
        issued_at=now,
        expires_at=now + dt.timedelta(days=7),
    )
    return token


def link_id_of(client: Client, staff: StaffMember) -> int:
    """A usable completion link for the client; its id."""
    link_token_of(client, staff)
    return CompletionLink.objects.filter(client=client).latest("id").pk
