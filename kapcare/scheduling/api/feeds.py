"""/api/v1/staff/{id}/calendar-feed: a staff member's iCalendar feed address."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Status

from kapcare.core import clock
from kapcare.core.api_errors import DELETE_ERRORS, READ_ERRORS, WRITE_ERRORS
from kapcare.core.api_schema import Schema
from kapcare.people.access import staff_actor
from kapcare.scheduling import ical
from kapcare.scheduling.access import access_staff

router = Router(tags=["staff schedules"])


class FeedOut(Schema):
    active: bool
    created_at: dt.datetime | None
    last_fetched_at: dt.datetime | None


class FeedCreatedOut(FeedOut):
    url: str = Field(description="The secret feed address: shown once, keep it private")


@router.get(
    "/staff/{int:staff_id}/calendar-feed",
    response={200: FeedOut, **READ_ERRORS},
    operation_id="get_calendar_feed",
)
def get_calendar_feed(request: HttpRequest, staff_id: int) -> FeedOut:
    """Whether the staff member has a live calendar feed (the address is never shown again)."""
    member = access_staff(staff_actor(request), staff_id, change=True, detail="feed")
    feed = ical.live_feed(member.pk)
    return FeedOut(
        active=feed is not None,
        created_at=feed.created_at if feed else None,
        last_fetched_at=feed.last_fetched_at if feed else None,
    )


@router.post(
    "/staff/{int:staff_id}/calendar-feed",
    response={201: FeedCreatedOut, **WRITE_ERRORS},
    operation_id="rotate_calendar_feed",
)
def rotate_calendar_feed(request: HttpRequest, staff_id: int) -> Status[FeedCreatedOut]:
    """Make a new secret feed address (the old one stops working at once)."""
    feed, secret = ical.rotate_feed(actor=staff_actor(request), staff_id=staff_id, now=clock.now())
    return Status(
        201,
        FeedCreatedOut(
            active=True,
            created_at=feed.created_at,
            last_fetched_at=None,
            url=request.build_absolute_uri(ical.feed_path(secret)),
        ),
    )


@router.delete(
    "/staff/{int:staff_id}/calendar-feed",
    response={200: FeedOut, **DELETE_ERRORS},
    operation_id="revoke_calendar_feed",
)
def revoke_calendar_feed(request: HttpRequest, staff_id: int) -> FeedOut:
    """Revoke the feed: its address stops working at once."""
    ical.revoke_feed(actor=staff_actor(request), staff_id=staff_id, now=clock.now())
    return FeedOut(active=False, created_at=None, last_fetched_at=None)
