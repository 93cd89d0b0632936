"""/api/v1/staff/{id}/working-hours, /api/v1/staff/{id}/time-off and
/api/v1/staff/{id}/video-room."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from kapcare.core import clock
from kapcare.core.api_errors import (
    DELETE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Message,
)
from kapcare.core.api_fields import Instant, RecordId, Text, WallTime
from kapcare.core.api_schema import Schema
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.people.access import staff_actor
from kapcare.scheduling.access import access_staff
from kapcare.scheduling.models import TimeOff, WorkingHours
from kapcare.scheduling.services import hours as hours_services
from kapcare.scheduling.services.video_room import MAX_URL, set_video_room

router = Router(tags=["staff schedules"])


class WindowSchema(Schema):
    weekday: int = Field(ge=0, le=6, description="0 Monday ... 6 Sunday")
    start: WallTime = Field(description="Local wall-clock time at the location, HH:MM")
    end: WallTime = Field(description="Local wall-clock time, HH:MM, after start (same day)")
    location: RecordId


class WorkingHoursIn(Schema):
    windows: list[WindowSchema] = Field(max_length=hours_services.MAX_WINDOWS)


class WorkingHoursOut(Schema):
    staff: int
    windows: list[WindowSchema]

    @staticmethod
    def of(staff_id: int, rows: list[WorkingHours]) -> "WorkingHoursOut":
        return WorkingHoursOut(
            staff=staff_id,
            windows=[
                WindowSchema(
                    weekday=w.weekday, start=w.start_time, end=w.end_time, location=w.location_id
                )
                for w in rows
            ],
        )


@router.get(
    "/staff/{int:staff_id}/working-hours",
    response={200: WorkingHoursOut, **READ_ERRORS},
    operation_id="get_working_hours",
)
def get_working_hours(request: HttpRequest, staff_id: int) -> WorkingHoursOut:
    """A staff member's weekly working hours per location (any staff member may read)."""
    member = access_staff(staff_actor(request), staff_id, change=False, detail="working_hours")
    rows = list(WorkingHours.objects.filter(staff=member).order_by("weekday", "start_time", "id"))
    return WorkingHoursOut.of(member.pk, rows)


@router.put(
    "/staff/{int:staff_id}/working-hours",
    response={200: WorkingHoursOut, **WRITE_ERRORS},
    operation_id="put_working_hours",
)
def put_working_hours(
    request: HttpRequest, staff_id: int, payload: WorkingHoursIn
) -> WorkingHoursOut:
    """Replace a staff member's weekly working hours (their own, or anyone's for front desk).

    Booking outside them is refused with `staff.outside_working_hours`; someone with no
    hours recorded is not limited.
    """
    rows = hours_services.set_working_hours(
        actor=staff_actor(request),
        staff_id=staff_id,
        windows=[
            hours_services.WindowIn(w.weekday, w.start, w.end, w.location) for w in payload.windows
        ],
    )
    return WorkingHoursOut.of(staff_id, rows)


class TimeOffIn(Schema):
    start: Instant
    end: Instant
    reason: Text = Field("", max_length=hours_services.MAX_REASON)


class TimeOffOut(Schema):
    id: int
    staff: int
    start: dt.datetime
    end: dt.datetime
    reason: str

    @staticmethod
    def of(entry: TimeOff) -> "TimeOffOut":
        return TimeOffOut(
            id=entry.pk, staff=entry.staff_id, start=entry.start, end=entry.end, reason=entry.reason
        )


class TimeOffFilter(PageQuery):
    start: Instant | None = None
    end: Instant | None = None


@router.get(
    "/staff/{int:staff_id}/time-off",
    response={200: Page[TimeOffOut], **LIST_ERRORS},
    operation_id="list_time_off",
)
def list_time_off(
    request: HttpRequest, staff_id: int, filters: Query[TimeOffFilter]
) -> dict[str, Any]:
    """A staff member's time off (the person and front desk only: a reason may be personal).

    `start` and `end` keep the entries overlapping `[start, end)`.
    """
    member = access_staff(staff_actor(request), staff_id, change=True, detail="time_off")
    entries = TimeOff.objects.filter(staff=member)
    if filters.start is not None:
        entries = entries.filter(end__gt=filters.start)
    if filters.end is not None:
        entries = entries.filter(start__lt=filters.end)
    items, count = page_of(entries.order_by("start", "id"), filters)
    return {"items": [TimeOffOut.of(e) for e in items], "count": count}


@router.post(
    "/staff/{int:staff_id}/time-off",
    response={201: TimeOffOut, **WRITE_ERRORS},
    operation_id="add_time_off",
)
def add_time_off(request: HttpRequest, staff_id: int, payload: TimeOffIn) -> Status[TimeOffOut]:
    """Record time off; bookings overlapping it are refused with `staff.time_off`."""
    entry = hours_services.add_time_off(
        actor=staff_actor(request),
        staff_id=staff_id,
        start=payload.start,
        end=payload.end,
        reason=payload.reason,
        now=clock.now(),
    )
    return Status(201, TimeOffOut.of(entry))


@router.delete(
    "/staff/{int:staff_id}/time-off/{int:time_off_id}",
    response={200: Message, **DELETE_ERRORS},
    operation_id="delete_time_off",
)
def delete_time_off(request: HttpRequest, staff_id: int, time_off_id: int) -> Message:
    """Remove an entry of time off."""
    hours_services.delete_time_off(
        actor=staff_actor(request), staff_id=staff_id, time_off_id=time_off_id
    )
    return Message(detail="The time off is removed.")


class VideoRoomIn(Schema):
    url: Text = Field(max_length=MAX_URL, description='The room\'s https link; "" clears it.')


class VideoRoomOut(Schema):
    staff: int
    url: str = Field(description='Shown to clients for their video sessions ("": none).')


@router.get(
    "/staff/{int:staff_id}/video-room",
    response={200: VideoRoomOut, **READ_ERRORS},
    operation_id="get_video_room",
)
def get_video_room(request: HttpRequest, staff_id: int) -> VideoRoomOut:
    """A staff member's video room link (any staff member may read)."""
    member = access_staff(staff_actor(request), staff_id, change=False, detail="video_room")
    return VideoRoomOut(staff=member.pk, url=member.video_room_url)


@router.put(
    "/staff/{int:staff_id}/video-room",
    response={200: VideoRoomOut, **WRITE_ERRORS},
    operation_id="put_video_room",
)
def put_video_room(request: HttpRequest, staff_id: int, payload: VideoRoomIn) -> VideoRoomOut:
    """Set a staff member's video room link (their own, or anyone's for front desk): the
    portal and the reminders show it to clients for their video sessions with them."""
    member = set_video_room(actor=staff_actor(request), staff_id=staff_id, url=payload.url)
    return VideoRoomOut(staff=member.pk, url=member.video_room_url)
