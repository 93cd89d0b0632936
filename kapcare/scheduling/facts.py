"""The facts the scheduling rules need, loaded in one place for every entry point.

Booking (``services.booking``), rescheduling, the availability search, the chart's
readiness and the medicine console (dosing) all load the client's pathway and calendar
here, one query per kind of fact whatever the calendar holds: the pathway's records
(``pathway.facts``, five queries), the client's appointments (two), and for a booking
the places, the staff, the other appointments around the time, the staff's working
hours and time off, and the practice's policy. Nothing here checks a permission: a
caller has reached the client through ``people.access`` first.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from kapcare.core.errors import FieldError
from kapcare.pathway.facts import load_pathway_records
from kapcare.people.models import Client, Location, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import rules
from kapcare.scheduling.hours import Absence, StaffSchedule, WorkingWindow
from kapcare.scheduling.models import (
    Appointment,
    AppointmentStaff,
    PracticeSchedulingSettings,
    TimeOff,
    WorkingHours,
)
from kapcare.scheduling.practice_settings import apply_overrides
from kapcare.scheduling.requests import AppointmentRequest, FollowUpRequest, parts_of
from kapcare.scheduling.rules.facts import is_aware
from kapcare.scheduling.thresholds import DEFAULT_POLICY, SchedulingPolicy
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = [
    "DEFAULT_REMINDER_HOURS",
    "BookingFacts",
    "as_rule_appointment",
    "booking_facts",
    "client_appointments",
    "get_settings",
    "load_calendar",
    "load_schedule",
    "load_staff",
    "location_info",
    "pathway_facts",
    "policy_for_practice",
    "room_info",
]

DEFAULT_REMINDER_HOURS = 24


# --- the practice's policy --------------------------------------------------------------


def get_settings(practice_id: int) -> PracticeSchedulingSettings:
    """The practice's settings (unsaved defaults when it has changed nothing)."""
    found = PracticeSchedulingSettings.objects.filter(practice_id=practice_id).first()
    return found or PracticeSchedulingSettings(
        practice_id=practice_id, overrides={}, reminder_hours_before=DEFAULT_REMINDER_HOURS
    )


def policy_for_practice(practice_id: int) -> SchedulingPolicy:
    """The policy the booking rules apply for this practice (one query)."""
    return apply_overrides(get_settings(practice_id).overrides)


# --- the client's pathway and appointments -----------------------------------------------


def as_rule_appointment(appointment: Appointment) -> rules.Appointment:
    """An appointment as the rules read it (its ``staff_links`` prefetched)."""
    return rules.Appointment(
        id=appointment.pk,
        kind=AppointmentKind(appointment.kind),
        status=AppointmentStatus(appointment.status),
        start=appointment.start,
        end=appointment.end,
        staff_ids=frozenset(link.staff_id for link in appointment.staff_links.all()),
        room_id=appointment.room_id,
    )


def client_appointments(client_id: int) -> tuple[rules.Appointment, ...]:
    """All of the client's appointments, any status (one query)."""
    return _rule_appointments(Appointment.objects.filter(client_id=client_id))


def _rule_appointments(appointments: QuerySet[Appointment]) -> tuple[rules.Appointment, ...]:
    """``appointments`` as the rules read them, by start, in one query.

    A row per appointment and staff member (a left join), gathered here: the rules read
    six columns, so no model instances and no second query for the staff links.
    """
    rows = appointments.order_by("start", "id").values_list(
        "id", "kind", "status", "start", "end", "room_id", "staff_links__staff_id"
    )
    found: dict[int, tuple[str, str, dt.datetime, dt.datetime, int | None, set[int]]] = {}
    for pk, kind, status, start, end, room_id, staff_id in rows:
        staff = found.setdefault(pk, (kind, status, start, end, room_id, set()))[5]
        if staff_id is not None:
            staff.add(staff_id)
    return tuple(
        rules.Appointment(
            id=pk,
            kind=AppointmentKind(kind),
            status=AppointmentStatus(status),
            start=start,
            end=end,
            staff_ids=frozenset(staff),
            room_id=room_id,
        )
        for pk, (kind, status, start, end, room_id, staff) in found.items()
    )


def pathway_facts(client_id: int) -> rules.PathwayFacts:
    """Where a client stands on the pathway: its records and all its appointments."""
    records = load_pathway_records(client_id)
    return rules.PathwayFacts(
        plan=records.plan,
        consents=records.consents,
        clearances=records.clearances,
        dose_orders=records.dose_orders,
        unreviewed_risk_flags=records.unreviewed_risk_flags,
        appointments=client_appointments(client_id),
    )


# --- places, staff and the calendar around a time ----------------------------------------


def location_info(location: Location) -> rules.LocationInfo:
    return rules.LocationInfo(
        id=location.pk,
        state=location.state,
        time_zone=location.time_zone,
        offers_medicine_sessions=location.offers_medicine_sessions,
        name=location.name,
    )


def room_info(room: Room) -> rules.RoomInfo:
    return rules.RoomInfo(
        id=room.pk,
        location_id=room.location_id,
        kind=RoomKind(room.kind),
        name=room.name,
        is_active=room.is_active,
    )


def _load_places(
    practice_id: int, parts: Sequence[AppointmentRequest | FollowUpRequest]
) -> tuple[dict[int, rules.LocationInfo], dict[int, rules.RoomInfo]]:
    location_ids = {p.location_id for p in parts if p.location_id is not None}
    room_ids = {p.room_id for p in parts if p.room_id is not None}
    locations = {
        loc.pk: location_info(loc)
        for loc in Location.objects.filter(practice_id=practice_id, pk__in=location_ids)
    }
    rooms = {
        room.pk: room_info(room)
        for room in Room.objects.filter(location__practice_id=practice_id, pk__in=room_ids)
    }
    for index, part in enumerate(parts):
        where = "" if index == 0 else "follow_up."
        if part.location_id is not None and part.location_id not in locations:
            raise FieldError(f"{where}location", f"No location with id {part.location_id}.")
        if part.room_id is not None and part.room_id not in rooms:
            raise FieldError(f"{where}room", f"No room with id {part.room_id}.")
    return locations, rooms


def load_staff(practice_id: int, staff_ids: Iterable[int]) -> dict[int, rules.StaffInfo]:
    """The active staff members of the practice among ``staff_ids`` (one query).

    A row per member, role and licence (left joins; a handful each), gathered here.
    """
    rows = (
        StaffMember.objects.filter(practice_id=practice_id, is_active=True, pk__in=set(staff_ids))
        .order_by("pk")
        .values_list("pk", "user__full_name", "roles__role", "licenses__state")
    )
    found: dict[int, tuple[str, set[Role], set[str]]] = {}
    for pk, name, role, state in rows:
        _, roles, states = found.setdefault(pk, (name, set(), set()))
        if role is not None:
            roles.add(Role(role))
        if state is not None:
            states.add(state)
    return {
        pk: rules.StaffInfo(
            id=pk, roles=frozenset(roles), licensed_states=frozenset(states), name=name
        )
        for pk, (name, roles, states) in found.items()
    }


def _staff_of_request(
    practice_id: int, parts: Sequence[AppointmentRequest | FollowUpRequest]
) -> dict[int, rules.StaffInfo]:
    staff = load_staff(practice_id, (i for p in parts for i in p.staff_ids))
    for index, part in enumerate(parts):
        for staff_id in part.staff_ids:
            if staff_id not in staff:
                where = "staff" if index == 0 else "follow_up.staff"
                raise FieldError(where, f"No active staff member with id {staff_id}.")
    return staff


def load_calendar(
    client_id: int | None,
    staff_ids: Iterable[int],
    room_ids: Iterable[int],
    low: dt.datetime,
    high: dt.datetime,
) -> tuple[rules.Appointment, ...]:
    """Other clients' appointments of these staff or rooms overlapping ``[low, high)``.

    ``client_id`` None: every client's (the intensive planner, planning several at once).
    """
    # Two indexed lookups, not one OR across the staff join (which no index answers):
    # the staff's and the rooms' live appointments ending after ``low``
    # (``*_busy_until``), then the appointments themselves by id.
    live = Q(start__lt=high, end__gt=low) & ~Q(status=AppointmentStatus.CANCELLED.value)
    staff, rooms = set(staff_ids), set(room_ids)
    lookups: list[QuerySet[Any, Any]] = []
    if staff:
        lookups.append(
            AppointmentStaff.objects.filter(live, staff_id__in=staff)
            .values("appointment_id")
            .order_by()
        )
    if rooms:
        lookups.append(Appointment.objects.filter(live, room_id__in=rooms).values("pk").order_by())
    if not lookups:
        return ()
    ids = lookups[0].union(*lookups[1:]) if len(lookups) > 1 else lookups[0]
    # ``live`` again on the appointment itself: its staff links copy its time and status.
    nearby = Appointment.objects.filter(live, pk__in=ids)
    if client_id is not None:
        nearby = nearby.exclude(client_id=client_id)
    return _rule_appointments(nearby)


def load_schedule(
    staff_ids: Iterable[int], *, start: dt.datetime, end: dt.datetime
) -> StaffSchedule:
    """Working hours and the time off overlapping ``[start, end)``: two queries.

    Each person's in order (by id, not the models' default by name: no join to the
    staff and their user for it; the checks read them per person)."""
    ids = sorted(set(staff_ids))
    if not ids:
        return StaffSchedule()
    windows = tuple(
        WorkingWindow(
            staff_id=w.staff_id,
            location_id=w.location_id,
            weekday=w.weekday,
            start=w.start_time,
            end=w.end_time,
            time_zone=w.location.time_zone,
            location_name=w.location.name,
        )
        for w in WorkingHours.objects.filter(staff_id__in=ids)
        .select_related("location")
        .order_by("staff_id", "weekday", "start_time", "id")
    )
    absences = tuple(
        Absence(staff_id=t.staff_id, start=t.start, end=t.end)
        for t in TimeOff.objects.filter(staff_id__in=ids, start__lt=end, end__gt=start).order_by(
            "staff_id", "start", "id"
        )
    )
    return StaffSchedule(windows, absences)


# --- one booking's facts ----------------------------------------------------------------


@dataclass
class BookingFacts:
    """Everything the booking rules read for one request, loaded once."""

    proposed: rules.ProposedAppointment
    follow_up: rules.ProposedAppointment | None
    client: rules.ClientInfo
    pathway: rules.PathwayFacts
    calendar: tuple[rules.Appointment, ...]
    schedule: StaffSchedule = field(default_factory=StaffSchedule)
    """Working hours and time off of the staff asked for (``scheduling.hours``)."""
    policy: SchedulingPolicy = DEFAULT_POLICY
    """The client's practice's policy: the defaults with its overrides."""


def _proposed(
    part: AppointmentRequest | FollowUpRequest,
    locations: dict[int, rules.LocationInfo],
    rooms: dict[int, rules.RoomInfo],
    staff: dict[int, rules.StaffInfo],
) -> rules.ProposedAppointment:
    return rules.ProposedAppointment(
        kind=part.kind,
        modality=part.modality,
        start=part.start,
        end=part.end,
        staff=tuple(staff[i] for i in part.staff_ids),
        location=locations[part.location_id] if part.location_id is not None else None,
        room=rooms[part.room_id] if part.room_id is not None else None,
        client_location_state=part.client_location_state,
    )


def _timed(
    parts: Sequence[AppointmentRequest | FollowUpRequest],
) -> list[AppointmentRequest | FollowUpRequest]:
    return [p for p in parts if is_aware(p.start) and is_aware(p.end) and p.end > p.start]


def booking_facts(client: Client, request: AppointmentRequest) -> BookingFacts:
    """The facts of booking ``request`` for ``client`` (already reached through access)."""
    parts = parts_of(request)
    locations, rooms = _load_places(client.practice_id, parts)
    staff = _staff_of_request(client.practice_id, parts)
    timed = _timed(parts)
    low = min((p.start for p in timed), default=None)
    high = max((p.end for p in timed), default=None)
    staff_ids = {i for p in timed for i in p.staff_ids}
    return BookingFacts(
        proposed=_proposed(request, locations, rooms, staff),
        follow_up=(
            _proposed(request.follow_up, locations, rooms, staff)
            if request.follow_up is not None
            else None
        ),
        client=rules.ClientInfo(id=client.pk, home_state=client.home_state),
        pathway=pathway_facts(client.pk),
        calendar=(
            load_calendar(
                client.pk,
                staff_ids,
                {p.room_id for p in timed if p.room_id is not None},
                low,
                high,
            )
            if low is not None and high is not None
            else ()
        ),
        schedule=(
            load_schedule(staff_ids, start=low, end=high)
            if low is not None and high is not None
            else StaffSchedule()
        ),
        policy=policy_for_practice(client.practice_id),
    )
