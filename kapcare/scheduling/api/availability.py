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
from kapcare.core.errors import FieldError
from kapcare.people.access import staff_actor
from kapcare.people.schemas import StateCode
from kapcare.scheduling.availability import DEFAULT_COUNT, Slot, SlotSearch
from kapcare.scheduling.schemas import AppointmentIn, FollowUpIn
from kapcare.scheduling.services.availability import (
    MAX_COUNT,
    AvailabilityQuery,
    FollowUpQuery,
)
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
    with_follow_up: bool = Field(
        True,
        description="A medicine session: offer each slot with its integration session, found "
        "in the window the care model requires and checked with it as one booking",
    )
    follow_up_modality: Modality = Field(
        Modality.IN_PERSON, description="The integration session: in person or telehealth"
    )
    follow_up_staff: list[RecordId] = Field(
        default_factory=list,
        max_length=5,
        description="Who holds the integration session (default: the therapists among `staff`)",
    )
    follow_up_location: RecordId | None = Field(
        None, description="In person: the integration's office (default: `location`)"
    )
    follow_up_duration: int | None = Field(
        None, ge=5, le=600, description="Minutes of the integration session (default 60)"
    )


class FollowUpSlotOut(Schema):
    """The integration session offered with a medicine slot (booked with it, or neither)."""

    start: dt.datetime
    end: dt.datetime
    modality: Modality
    location: int | None
    room: int | None
    room_name: str
    staff: list[int]


class AvailableSlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    location: int | None
    room: int | None
    room_name: str
    staff: list[int]
    book_url: str = Field(description="The booking page, filled in with this slot")
    follow_up: FollowUpSlotOut | None = Field(
        None, description="A medicine slot's integration session, found and checked with it"
    )
    booking: AppointmentIn = Field(
        description="The body for `POST /api/v1/appointments` that books this slot (a "
        "medicine slot with its integration session as `follow_up`, in one transaction)"
    )


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


_FOLLOW_UP_FIELDS = ("follow_up_staff", "follow_up_location", "follow_up_duration")


def _follow_up_query(filters: AvailabilityFilter) -> FollowUpQuery | None:
    if filters.kind is not AppointmentKind.MEDICINE:
        asked = [n for n in _FOLLOW_UP_FIELDS if getattr(filters, n)]
        if asked:
            raise FieldError(asked[0], "Only a medicine session is searched with its integration.")
        return None
    if not filters.with_follow_up:
        return None
    return FollowUpQuery(
        modality=filters.follow_up_modality,
        staff_ids=tuple(dict.fromkeys(filters.follow_up_staff)),
        location_id=filters.follow_up_location,
        duration_minutes=filters.follow_up_duration,
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
        follow_up=_follow_up_query(filters),
    )


def follow_up_out(
    slot: Slot, query: AvailabilityQuery, found: SlotSearch
) -> FollowUpSlotOut | None:
    paired, follow = slot.follow_up, query.follow_up
    if paired is None or follow is None:
        return None
    room = paired.room
    return FollowUpSlotOut(
        start=paired.start,
        end=paired.end,
        modality=follow.modality,
        location=room.location_id if room is not None else None,
        room=room.id if room is not None else None,
        room_name=room.name if room is not None else "",
        staff=list(found.follow_up_staff),
    )


def booking_body(
    slot: Slot, query: AvailabilityQuery, follow_up: FollowUpSlotOut | None
) -> AppointmentIn:
    """What ``POST /api/v1/appointments`` takes to book ``slot`` (and its integration)."""
    in_person = query.modality is Modality.IN_PERSON
    return AppointmentIn(
        client=query.client_id,
        kind=query.kind,
        modality=query.modality,
        start=slot.start,
        end=slot.end,
        location=query.location_id if in_person else None,
        room=slot.room.id if slot.room is not None else None,
        staff=list(query.staff_ids),
        client_location_state=None if in_person else query.client_location_state,
        follow_up=(
            FollowUpIn(
                kind=AppointmentKind.INTEGRATION,
                modality=follow_up.modality,
                start=follow_up.start,
                end=follow_up.end,
                location=follow_up.location,
                room=follow_up.room,
                staff=follow_up.staff,
                client_location_state=(
                    query.client_location_state
                    if follow_up.modality is Modality.TELEHEALTH
                    else None
                ),
            )
            if follow_up is not None
            else None
        ),
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
    bookings of the staff and rooms, and the client's pathway are all applied.

    A medicine session is offered with its integration session (`follow_up`): the first
    free one from the next day to the end of the integration window of the client's
    plan (ongoing 7 days, intensive 2), held by `follow_up_staff` (default: the
    therapists among `staff`), checked together with the medicine session exactly as
    booking both in one request is. `booking` is that request: `POST` it to
    `/api/v1/appointments` and both are booked, or neither. With `with_follow_up=false`
    a medicine slot is offered alone and `medicine.requires_integration` is left to the
    booking (`needs_follow_up`).
    """
    query = availability_query(filters)
    try:
        found = run_search(actor=staff_actor(request), query=query)
    except FieldError as error:  # the service's follow_up.staff is this query's follow_up_staff
        raise FieldError(error.field.replace(".", "_"), error.message) from error
    zone = found.time_zone
    slots = []
    for s in found.slots:
        follow_up = follow_up_out(s, query, found)
        slots.append(
            AvailableSlotOut(
                start=s.start,
                end=s.end,
                location=query.location_id if query.modality is Modality.IN_PERSON else None,
                room=s.room.id if s.room is not None else None,
                room_name=s.room.name if s.room is not None else "",
                staff=list(query.staff_ids),
                book_url=book_url(
                    query,
                    s.start,
                    s.end,
                    s.room.id if s.room else None,
                    zone,
                    follow_up=follow_up,
                    follow_up_zone=found.follow_up_time_zone,
                ),
                follow_up=follow_up,
                booking=booking_body(s, query, follow_up),
            )
        )
    return AvailabilityOut(
        slots=slots,
        needs_follow_up=found.needs_follow_up,
        blocked_by=[BlockOut(rule=v.rule, message=v.message) for v in found.blocked_by],
    )


def book_url(
    query: AvailabilityQuery,
    start: dt.datetime,
    end: dt.datetime,
    room: int | None,
    time_zone: str,
    *,
    follow_up: FollowUpSlotOut | None = None,
    follow_up_zone: str = "UTC",
) -> str:
    """The booking form of the scheduling pages, filled in with the slot (ids and times).

    Both spellings of the time: ``start``/``end`` with offset (the agreed convention), and
    ``date``/``start_time``/``end_time`` on the location's wall clock, which the booking
    form reads. A medicine slot's integration session fills the form's integration part
    (``with_follow_up`` and the ``fu_`` fields, on its own office's clock).
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
    if follow_up is not None:
        fu_zone = zoneinfo.ZoneInfo(follow_up_zone)
        fu_start, fu_end = follow_up.start.astimezone(fu_zone), follow_up.end.astimezone(fu_zone)
        params += [
            ("with_follow_up", "on"),
            ("fu_modality", follow_up.modality.value),
            ("fu_date", fu_start.date().isoformat()),
            ("fu_start_time", f"{fu_start:%H:%M}"),
            ("fu_end_time", f"{fu_end:%H:%M}"),
        ]
        if follow_up.location is not None:
            params.append(("fu_location", str(follow_up.location)))
        if follow_up.room is not None:
            params.append(("fu_room", str(follow_up.room)))
        params += [("fu_staff", str(i)) for i in follow_up.staff]
        if follow_up.modality is Modality.TELEHEALTH and query.client_location_state:
            params.append(("fu_client_location_state", query.client_location_state))
    return base + "?" + urlencode(params)
