"""The facts the scheduling rules need, loaded in one place for every entry point.

Booking (``services.booking``), rescheduling, the availability search, the chart's
readiness and the medicine console (dosing) all load the client's pathway and calendar
here, in a few queries whatever the calendar holds. A booking reads four (five with a
place): the client's (its pathway records from ``pathway.facts``, all its appointments
and its practice's policy, in one row), the staff's (each asked-for member with their
roles, licences and working hours, a row each), their time off around the time, the
other appointments of those staff and rooms around the time, and the places asked for
(each location with its rooms asked for). Several kinds share a row as JSON columns of
a query built once per process (``core.json_rows``): a query costs a round trip and the
ORM's work, far more than the database's here. Nothing here checks a permission: a
caller has reached the client through ``people.access`` first.
"""

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable

from kapcare.core.errors import FieldError
from kapcare.core.json_rows import as_moment, as_time, rows_of
from kapcare.pathway.facts import pathway_record_columns, pathway_records_from
from kapcare.people.models import Client, Location, Room, StaffLicense, StaffMember, StaffRole
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
    "client_facts",
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


# What the rules read of an appointment: a row per appointment and staff member (a left
# join), gathered by ``_gather``; no model instances and no second query for the links.
_APPOINTMENT_COLUMNS = ("id", "kind", "status", "start", "end", "room_id", "staff_links__staff_id")

_AppointmentRow = tuple[int, str, str, dt.datetime, dt.datetime, int | None, int | None]


def _rule_appointments(appointments: QuerySet[Appointment]) -> tuple[rules.Appointment, ...]:
    """``appointments`` as the rules read them, by start, in one query."""
    return _gather(appointments.order_by().values_list(*_APPOINTMENT_COLUMNS))


def _gather(rows: Iterable[_AppointmentRow]) -> tuple[rules.Appointment, ...]:
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
        for pk, (kind, status, start, end, room_id, staff) in sorted(
            found.items(), key=lambda item: (item[1][2], item[0])
        )
    )


def _client_columns(*, policy: bool) -> dict[str, Combinable]:
    """All a booking knows of the client, as columns of one query on its row: the
    pathway's records, its appointments and (``policy``) its practice's overrides."""
    columns = pathway_record_columns(OuterRef("pk"))
    columns["appointment_rows"] = rows_of(
        Appointment.objects.filter(client_id=OuterRef("pk")), "client_id", *_APPOINTMENT_COLUMNS
    )
    if policy:
        columns["policy_overrides"] = Subquery(
            PracticeSchedulingSettings.objects.filter(practice_id=OuterRef("practice_id")).values(
                "overrides"
            )[:1],
            output_field=JSONField(),
        )
    return columns


def _pathway_from(row: Mapping[str, Any]) -> rules.PathwayFacts:
    records = pathway_records_from(row)
    return rules.PathwayFacts(
        plan=records.plan,
        consents=records.consents,
        clearances=records.clearances,
        dose_orders=records.dose_orders,
        unreviewed_risk_flags=records.unreviewed_risk_flags,
        appointments=_gather(
            (pk, kind, status, as_moment(start), as_moment(end), room_id, staff_id)
            for pk, kind, status, start, end, room_id, staff_id in row["appointment_rows"] or ()
        ),
    )


@functools.cache
def _client_query(*, policy: bool) -> QuerySet[Client, Any]:
    """The client query, built once per process (``core.json_rows``: building it costs
    more than running it); each call narrows it to one client."""
    return Client.objects.order_by().values(**_client_columns(policy=policy))


def _client_row(client_id: int, *, policy: bool) -> Mapping[str, Any]:
    row: Mapping[str, Any] | None = _client_query(policy=policy).filter(pk=client_id).first()
    if row is None:  # a caller reached the client through access: it is there
        raise Client.DoesNotExist(f"No client {client_id}.")
    return row


def pathway_facts(client_id: int) -> rules.PathwayFacts:
    """Where a client stands on the pathway: its records and all its appointments (one
    query)."""
    return _pathway_from(_client_row(client_id, policy=False))


def client_facts(client_id: int) -> tuple[rules.PathwayFacts, SchedulingPolicy]:
    """``pathway_facts`` and the policy of the client's practice, in one query."""
    row = _client_row(client_id, policy=True)
    return _pathway_from(row), apply_overrides(row["policy_overrides"] or {})


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
    """The locations and rooms asked for, in one query (none for telehealth): a row per
    location asked for or holding a room asked for, with those rooms as a JSON column."""
    location_ids = {p.location_id for p in parts if p.location_id is not None}
    room_ids = {p.room_id for p in parts if p.room_id is not None}
    locations: dict[int, rules.LocationInfo] = {}
    rooms: dict[int, rules.RoomInfo] = {}
    if location_ids or room_ids:
        places = Location.objects.filter(practice_id=practice_id).order_by()
        columns: dict[str, Combinable] = {}
        if room_ids:
            held = Room.objects.filter(pk__in=room_ids).values("location_id")
            places = places.filter(Q(pk__in=location_ids) | Q(pk__in=held))
            columns["room_rows"] = rows_of(
                Room.objects.filter(location_id=OuterRef("pk"), pk__in=room_ids),
                "location_id",
                "id",
                "kind",
                "name",
                "is_active",
            )
        else:
            places = places.filter(pk__in=location_ids)
        rows: Iterable[Mapping[str, Any]] = places.values(
            "pk", "state", "time_zone", "offers_medicine_sessions", "name", **columns
        )
        for row in rows:
            if row["pk"] in location_ids:
                locations[row["pk"]] = rules.LocationInfo(
                    id=row["pk"],
                    state=row["state"],
                    time_zone=row["time_zone"],
                    offers_medicine_sessions=row["offers_medicine_sessions"],
                    name=row["name"],
                )
            for pk, kind, name, is_active in row.get("room_rows") or ():
                rooms[pk] = rules.RoomInfo(
                    id=pk,
                    location_id=row["pk"],
                    kind=RoomKind(kind),
                    name=name,
                    is_active=bool(is_active),  # SQLite's JSON holds 1 and 0
                )
    for index, part in enumerate(parts):
        where = "" if index == 0 else "follow_up."
        if part.location_id is not None and part.location_id not in locations:
            raise FieldError(f"{where}location", f"No location with id {part.location_id}.")
        if part.room_id is not None and part.room_id not in rooms:
            raise FieldError(f"{where}room", f"No room with id {part.room_id}.")
    return locations, rooms


@functools.cache
def _staff_query(*, hours: bool) -> QuerySet[StaffMember, Any]:
    """Staff members with their roles and licences and (``hours``) their working hours
    as JSON columns, a row each by id; built once per process (``core.json_rows``)."""
    staff = OuterRef("pk")
    columns: dict[str, Combinable] = {
        "role_rows": rows_of(StaffRole.objects.filter(staff_id=staff), "staff_id", "role"),
        "licence_rows": rows_of(StaffLicense.objects.filter(staff_id=staff), "staff_id", "state"),
    }
    if hours:
        columns["hour_rows"] = rows_of(
            WorkingHours.objects.filter(staff_id=staff),
            "staff_id",
            "weekday",
            "start_time",
            "id",
            "location_id",
            "end_time",
            "location__time_zone",
            "location__name",
        )
    return StaffMember.objects.order_by("pk").values("pk", "user__full_name", **columns)


def _active_staff(
    practice_id: int, staff_ids: Iterable[int], *, hours: bool
) -> list[dict[str, Any]]:
    return list(
        _staff_query(hours=hours).filter(
            practice_id=practice_id, is_active=True, pk__in=set(staff_ids)
        )
    )


def _staff_info(row: Mapping[str, Any]) -> rules.StaffInfo:
    return rules.StaffInfo(
        id=row["pk"],
        roles=frozenset(Role(role) for (role,) in row["role_rows"] or ()),
        licensed_states=frozenset(state for (state,) in row["licence_rows"] or ()),
        name=row["user__full_name"],
    )


def _schedule(
    rows: Iterable[Mapping[str, Any]], *, start: dt.datetime, end: dt.datetime
) -> StaffSchedule:
    """The working hours of rows read with them, and the time off of the same staff
    overlapping ``[start, end)`` (one query: its bounds change with every request, so it
    cannot be a column of the staff query built once). Each person's in order, by id
    then by day and time: the checks read them per person."""
    rows = list(rows)
    windows: list[tuple[tuple[int, int, dt.time, int], WorkingWindow]] = []
    for row in rows:
        staff_id = row["pk"]
        for weekday, opens, pk, location_id, closes, zone, place in row["hour_rows"] or ():
            window = WorkingWindow(
                staff_id=staff_id,
                location_id=location_id,
                weekday=weekday,
                start=as_time(opens),
                end=as_time(closes),
                time_zone=zone,
                location_name=place,
            )
            windows.append(((staff_id, weekday, window.start, pk), window))
    absences = tuple(
        Absence(staff_id=staff_id, start=away, end=back)
        for staff_id, away, back in TimeOff.objects.filter(
            staff_id__in=[row["pk"] for row in rows], start__lt=end, end__gt=start
        )
        .order_by("staff_id", "start", "id")
        .values_list("staff_id", "start", "end")
    )
    return StaffSchedule(tuple(w for _, w in sorted(windows, key=lambda item: item[0])), absences)


def load_staff(practice_id: int, staff_ids: Iterable[int]) -> dict[int, rules.StaffInfo]:
    """The active staff members of the practice among ``staff_ids`` (one query)."""
    return {
        row["pk"]: _staff_info(row) for row in _active_staff(practice_id, staff_ids, hours=False)
    }


def _staff_of_request(
    practice_id: int,
    parts: Sequence[AppointmentRequest | FollowUpRequest],
    window: tuple[dt.datetime, dt.datetime] | None,
) -> tuple[dict[int, rules.StaffInfo], StaffSchedule]:
    """The staff asked for with their working hours (one query) and, with a ``window``,
    their time off around it (one more); a staff member not found is the caller's
    mistake."""
    rows = _active_staff(
        practice_id, (i for p in parts for i in p.staff_ids), hours=window is not None
    )
    staff = {row["pk"]: _staff_info(row) for row in rows}
    for index, part in enumerate(parts):
        for staff_id in part.staff_ids:
            if staff_id not in staff:
                where = "staff" if index == 0 else "follow_up.staff"
                raise FieldError(where, f"No active staff member with id {staff_id}.")
    if window is None:
        return staff, StaffSchedule()
    return staff, _schedule(rows, start=window[0], end=window[1])


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
    """Working hours and the time off overlapping ``[start, end)``: two queries."""
    ids = set(staff_ids)
    if not ids:
        return StaffSchedule()
    return _schedule(_staff_query(hours=True).filter(pk__in=ids), start=start, end=end)


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
    """The facts of booking ``request`` for ``client`` (already reached through access):
    four queries, five with a place (the module's docstring)."""
    parts = parts_of(request)
    locations, rooms = _load_places(client.practice_id, parts)
    timed = _timed(parts)
    low = min((p.start for p in timed), default=None)
    high = max((p.end for p in timed), default=None)
    window = (low, high) if low is not None and high is not None else None
    staff, schedule = _staff_of_request(client.practice_id, parts, window)
    pathway, policy = client_facts(client.pk)
    return BookingFacts(
        proposed=_proposed(request, locations, rooms, staff),
        follow_up=(
            _proposed(request.follow_up, locations, rooms, staff)
            if request.follow_up is not None
            else None
        ),
        client=rules.ClientInfo(id=client.pk, home_state=client.home_state),
        pathway=pathway,
        calendar=(
            load_calendar(
                client.pk,
                {i for p in timed for i in p.staff_ids},
                {p.room_id for p in timed if p.room_id is not None},
                window[0],
                window[1],
            )
            if window is not None
            else ()
        ),
        schedule=schedule,
        policy=policy,
    )
