"""/api/v1/staff/{id}/working-hours|time-off|calendar-feed, /api/v1/availability and
/api/v1/practice/scheduling-settings.

Thin: every change goes through ``hours_services``, ``settings_services`` or ``ical``;
the availability search through ``availability_service`` (the client reached through
``people.access``). Staff schedules are not client data, but who may change them is
decided in ``people.policy`` (everyone their own, front desk everyone's).
"""

import datetime as dt
import zoneinfo
from typing import Annotated, Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Field, Query, Router, Schema, Status

from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, WRITE_ERRORS, Message, error_responses
from kapcare.core.api_fields import Instant, RecordId
from kapcare.core.errors import FieldError
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.people.access import Actor, NotFound, actor_for_request
from kapcare.people.policy import Role
from kapcare.scheduling import hours_services, ical, settings_services
from kapcare.scheduling.availability import DEFAULT_COUNT
from kapcare.scheduling.availability_service import (
    MAX_COUNT,
    AvailabilityQuery,
)
from kapcare.scheduling.availability_service import search_availability as run_search
from kapcare.scheduling.models import TimeOff, WorkingHours
from kapcare.scheduling.practice_settings import SETTING_NAMES, setting_rows
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

router = Router(tags=["staff schedules"])

READ_ERRORS = error_responses(401, 404, 422)
DELETE_ERRORS = error_responses(401, 403, 404, 422)


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        raise NotFound
    return actor


# --- working hours ----------------------------------------------------------------------


class WindowSchema(Schema):
    weekday: int = Field(ge=0, le=6, description="0 Monday ... 6 Sunday")
    start: dt.time = Field(description="Local wall-clock time at the location, HH:MM")
    end: dt.time = Field(description="Local wall-clock time, after start (same day)")
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
    member = hours_services.access_staff(
        _actor(request), staff_id, change=False, detail="working_hours"
    )
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
        actor=_actor(request),
        staff_id=staff_id,
        windows=[
            hours_services.WindowIn(w.weekday, w.start, w.end, w.location) for w in payload.windows
        ],
    )
    return WorkingHoursOut.of(staff_id, rows)


# --- time off ---------------------------------------------------------------------------


class TimeOffIn(Schema):
    start: Instant
    end: Instant
    reason: str = Field("", max_length=hours_services.MAX_REASON)


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
    member = hours_services.access_staff(_actor(request), staff_id, change=True, detail="time_off")
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
        actor=_actor(request),
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
        actor=_actor(request), staff_id=staff_id, time_off_id=time_off_id
    )
    return Message(detail="The time off is removed.")


# --- availability -----------------------------------------------------------------------


class AvailabilityFilter(Schema):
    client: RecordId
    kind: AppointmentKind
    modality: Modality
    staff: list[RecordId] = Field(..., min_length=1, max_length=5)
    location: RecordId | None = None
    room: RecordId | None = None
    duration: int | None = Field(None, ge=5, le=600, description="Minutes (default by kind)")
    after: Instant | None = Field(None, description="Search from here (default: now)")
    count: int = Field(DEFAULT_COUNT, ge=1, le=MAX_COUNT)
    client_location_state: Annotated[str, Field(max_length=2)] | None = None
    step: int = Field(15, ge=5, le=240, description="Minutes between candidate start times")


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    location: int | None
    room: int | None
    room_name: str
    staff: list[int]
    book_url: str = Field(description="The booking page, filled in with this slot")


class BlockOut(Schema):
    rule: str
    message: str


class AvailabilityOut(Schema):
    slots: list[SlotOut]
    needs_follow_up: bool = Field(
        description="A medicine session: book its integration session in the same request"
    )
    blocked_by: list[BlockOut] = Field(
        description="When no slot fits: the rules that refused every candidate, and why"
    )


def availability_query(filters: AvailabilityFilter) -> AvailabilityQuery:
    state = filters.client_location_state
    return AvailabilityQuery(
        client_id=filters.client,
        kind=filters.kind,
        modality=filters.modality,
        staff_ids=tuple(dict.fromkeys(filters.staff)),
        after=filters.after or clock.now(),
        location_id=filters.location,
        room_id=filters.room,
        duration_minutes=filters.duration,
        count=filters.count,
        client_location_state=state.strip().upper() if state else None,
        step_minutes=filters.step,
    )


@router.get(
    "/availability",
    response={200: AvailabilityOut, **READ_ERRORS},
    operation_id="search_availability",
    tags=["appointments"],
)
def search_availability(
    request: HttpRequest, filters: Query[AvailabilityFilter]
) -> AvailabilityOut:
    """The next free slots (default 5) that pass every booking rule, room included.

    Pass `staff` once per person (`staff=3&staff=5`). Working hours, time off, other
    bookings of the staff and rooms, and the client's pathway are all applied, except
    `medicine.requires_integration`, which the booking meets by booking the
    integration session with the medicine session (`needs_follow_up`).
    """
    query = availability_query(filters)
    found = run_search(actor=_actor(request), query=query)
    zone = found.time_zone
    return AvailabilityOut(
        slots=[
            SlotOut(
                start=s.start,
                end=s.end,
                location=query.location_id if query.modality is Modality.IN_PERSON else None,
                room=s.room.id if s.room is not None else None,
                room_name=s.room.name if s.room is not None else "",
                staff=list(query.staff_ids),
                book_url=book_url(query, s.start, s.end, s.room.id if s.room else None, zone),
            )
            for s in found.slots
        ],
        needs_follow_up=found.needs_follow_up,
        blocked_by=[BlockOut(rule=v.rule, message=v.message) for v in found.blocked_by],
    )


def book_url(
    query: AvailabilityQuery,
    start: dt.datetime,
    end: dt.datetime,
    room: int | None,
    time_zone: str,
) -> str:
    """The booking form of the scheduling pages, filled in with the slot (ids and times).

    Both spellings of the time: ``start``/``end`` with offset (the agreed convention), and
    ``date``/``start_time``/``end_time`` on the location's wall clock, which the booking
    form reads.
    """
    try:
        base = reverse("scheduling:book")
    except NoReverseMatch:  # the booking pages are not installed
        base = "/schedule/book/"
    zone = zoneinfo.ZoneInfo(time_zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    params: list[tuple[str, str]] = [
        ("client", str(query.client_id)),
        ("kind", query.kind.value),
        ("modality", query.modality.value),
        ("start", start.isoformat()),
        ("end", end.isoformat()),
        ("date", local_start.date().isoformat()),
        ("start_time", f"{local_start:%H:%M}"),
        ("end_time", f"{local_end:%H:%M}"),
    ]
    if query.modality is Modality.IN_PERSON and query.location_id is not None:
        params.append(("location", str(query.location_id)))
    if room is not None:
        params.append(("room", str(room)))
    params += [("staff", str(i)) for i in query.staff_ids]
    return base + "?" + urlencode(params)


# --- practice scheduling settings -------------------------------------------------------


class SettingOut(Schema):
    name: str
    label: str
    value: Any
    default: Any
    source: str
    overridden: bool


class SchedulingSettingsOut(Schema):
    settings: list[SettingOut]
    reminder_hours_before: int
    may_change: bool


class SchedulingSettingsIn(Schema):
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description=f"Setting name to value (null: back to the default). Names: "
        f"{', '.join(SETTING_NAMES)}",
    )
    reminder_hours_before: int | None = Field(None, ge=1, le=336)
    reason: str = Field(..., min_length=1, max_length=200, description="Why (kept as the source)")


def settings_out(actor: Actor) -> SchedulingSettingsOut:
    stored = settings_services.get_settings(actor.practice_id)
    return SchedulingSettingsOut(
        settings=[SettingOut(**vars(row)) for row in setting_rows(stored.overrides)],
        reminder_hours_before=stored.reminder_hours_before,
        may_change=actor.has_role(Role.FRONT_DESK),
    )


@router.get(
    "/practice/scheduling-settings",
    response={200: SchedulingSettingsOut, **error_responses(401, 404)},
    operation_id="get_scheduling_settings",
)
def get_scheduling_settings(request: HttpRequest) -> SchedulingSettingsOut:
    """The booking-rule settings in force for the practice, their defaults and sources."""
    return settings_out(_actor(request))


@router.put(
    "/practice/scheduling-settings",
    response={200: SchedulingSettingsOut, **WRITE_ERRORS},
    operation_id="put_scheduling_settings",
)
def put_scheduling_settings(
    request: HttpRequest, payload: SchedulingSettingsIn
) -> SchedulingSettingsOut:
    """Change booking-rule settings or the reminder lead time (front desk); audited.

    Only the names sent change; `null` returns a setting to its default.
    """
    actor = _actor(request)
    if len(payload.overrides) > len(SETTING_NAMES):
        raise FieldError("overrides", "Too many settings.")
    settings_services.update_settings(
        actor=actor,
        values=payload.overrides,
        reason=payload.reason,
        reminder_hours_before=payload.reminder_hours_before,
        now=clock.now(),
    )
    return settings_out(actor)


# --- calendar feed ----------------------------------------------------------------------


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
    member = hours_services.access_staff(_actor(request), staff_id, change=True, detail="feed")
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
    feed, secret = ical.rotate_feed(actor=_actor(request), staff_id=staff_id, now=clock.now())
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
    ical.revoke_feed(actor=_actor(request), staff_id=staff_id, now=clock.now())
    return FeedOut(active=False, created_at=None, last_fetched_at=None)
