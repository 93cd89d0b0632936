"""/api/v1/availability: the next free times for a client that pass every booking rule."""

import datetime as dt
import zoneinfo
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Field, Query, Router

from kapcare.core import clock
from kapcare.core.api_errors import READ_ERRORS
from kapcare.core.api_fields import Instant, RecordId
from kapcare.core.api_schema import Schema
from kapcare.people.access import staff_actor
from kapcare.people.schemas import StateCode
from kapcare.scheduling.availability import DEFAULT_COUNT
from kapcare.scheduling.services.availability import MAX_COUNT, AvailabilityQuery
from kapcare.scheduling.services.availability import search_availability as run_search
from kapcare.scheduling.vocabulary import AppointmentKind, Modality

router = Router(tags=["staff schedules"])


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
    client_location_state: StateCode | None = None
    step: int = Field(15, ge=5, le=240, description="Minutes between candidate start times")
    per_day: int | None = Field(
        None, ge=1, le=MAX_COUNT, description="At most this many slots a day (spreads them)"
    )


class AvailableSlotOut(Schema):
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
    slots: list[AvailableSlotOut]
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
        per_day=filters.per_day,
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
    found = run_search(actor=staff_actor(request), query=query)
    zone = found.time_zone
    return AvailabilityOut(
        slots=[
            AvailableSlotOut(
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
    if query.client_location_state:
        params.append(("client_location_state", query.client_location_state))
    return base + "?" + urlencode(params)
