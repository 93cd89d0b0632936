"""/api/v1/clients/{id}/emergency-access and /api/v1/emergency-accesses.

Thin: ``emergency.services`` decides and audits; once open, the client's own endpoints
answer the holder through ``people.access`` like any other record they may read.
"""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, WRITE_ERRORS
from kapcare.core.api_fields import FILLED, RecordId, Text
from kapcare.core.api_schema import Schema
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.people.access import staff_actor
from kapcare.people.emergency import rules, services
from kapcare.people.emergency.tasks import queue_notice
from kapcare.people.models import EmergencyAccess

router = Router(tags=["emergency access"])


class EmergencyAccessIn(Schema):
    reason: Annotated[Text, FILLED] = Field(
        max_length=rules.REASON_LIMIT,
        description="Why the record is needed now; required. The privacy officer reads it.",
    )


class EmergencyReadOut(Schema):
    category: str = Field(description="The kind of data read (clinical, medical, ...).")
    detail: str = Field(description="Where it was read (page:chart, api:get_client, ...).")
    times: int
    first_at: dt.datetime
    last_at: dt.datetime


class EmergencyAccessOut(Schema):
    id: int
    client: int
    client_name: str
    staff: int
    staff_name: str
    reason: str
    starts_at: dt.datetime
    ends_at: dt.datetime = Field(description="When the access ends by itself.")
    state: rules.ReviewState = Field(
        description="open (the time box is running, not yet reviewed), to_review, reviewed."
    )
    reviewed_at: dt.datetime | None
    reviewed_by: int | None = Field(description="The privacy officer's staff id.")
    review_note: str
    reads: list[EmergencyReadOut] | None = Field(
        None,
        description="What was read under the access (emergency reads of the client by its "
        "holder within the time box); in the privacy officer's list only.",
    )


def _out(access: EmergencyAccess, reviewed: services.Reviewed | None = None) -> EmergencyAccessOut:
    return EmergencyAccessOut(
        id=access.pk,
        client=access.client_id,
        client_name=access.client.display_name,
        staff=access.staff_id,
        staff_name=access.staff.user.full_name or access.staff.user.email,
        reason=access.reason,
        starts_at=access.starts_at,
        ends_at=access.ends_at,
        state=rules.review_state(
            rules.Window(access.starts_at, access.ends_at),
            reviewed=access.reviewed_at is not None,
            now=clock.now(),
        ),
        reviewed_at=access.reviewed_at,
        reviewed_by=access.reviewed_by_id,
        review_note=access.review_note,
        reads=[
            EmergencyReadOut(
                category=r.category,
                detail=r.detail,
                times=r.times,
                first_at=r.first_at,
                last_at=r.last_at,
            )
            for r in reviewed.reads
        ]
        if reviewed is not None
        else None,
    )


@router.post(
    "/clients/{client_id}/emergency-access",
    response={200: EmergencyAccessOut, 201: EmergencyAccessOut, **WRITE_ERRORS},
)
def request_emergency_access(
    request: HttpRequest, client_id: RecordId, payload: EmergencyAccessIn
) -> Status[EmergencyAccessOut]:
    """Open a client's record to the caller in an emergency ("break the glass").

    For clinicians off the client's care team: the record opens to them alone, for the
    practice's time box (4 hours by default), then closes by itself. Every read of the
    client meanwhile is audited as an emergency read, and the practice's privacy officers
    are told at once. 201 with the new access; 200 with the open one if the caller holds
    one already. A privacy officer or front desk gains nothing by it: 403. On the care
    team already: 422. No such client in the practice: 404.
    """
    actor = staff_actor(request)
    asked = services.request_emergency_access(
        actor=actor,
        client_id=client_id,
        reason=payload.reason,
        detail="api:request_emergency_access",
        on_open=queue_notice(request.build_absolute_uri("/").rstrip("/")),
    )
    access = EmergencyAccess.objects.select_related("client", "staff__user").get(pk=asked.access.pk)
    return Status(201 if asked.opened else 200, _out(access))


class EmergencyFilter(PageQuery):
    to_review: bool = Field(False, description="Only those not yet reviewed.")


@router.get("/emergency-accesses", response={200: Page[EmergencyAccessOut], **LIST_ERRORS})
def list_emergency_accesses(
    request: HttpRequest, filters: Query[EmergencyFilter]
) -> dict[str, object]:
    """The practice's emergency accesses, newest first, with what was read under each:
    the privacy officer's review list (anyone else: 404). Reading it is audited."""
    actor = staff_actor(request)
    accesses = services.accesses_for_review(
        actor, to_review_only=filters.to_review, detail="api:list_emergency_accesses"
    )
    items, count = page_of(accesses, filters)
    return {
        "items": [_out(r.access, r) for r in services.reads_of(items)],
        "count": count,
    }


class EmergencyReviewIn(Schema):
    note: Text = Field("", max_length=rules.REVIEW_NOTE_LIMIT)


@router.post(
    "/emergency-accesses/{access_id}/review",
    response={200: EmergencyAccessOut, **WRITE_ERRORS},
)
def review_emergency_access(
    request: HttpRequest, access_id: RecordId, payload: EmergencyReviewIn
) -> EmergencyAccessOut:
    """The privacy officer marks an emergency access reviewed, with an optional note;
    audited. Already reviewed: 422. Not the practice's privacy officer: 404."""
    actor = staff_actor(request)
    services.review_emergency_access(
        actor=actor,
        access_id=access_id,
        note=payload.note,
        detail="api:review_emergency_access",
    )
    access = EmergencyAccess.objects.select_related("client", "staff__user").get(pk=access_id)
    return _out(access, services.reads_of([access])[0])
