"""Availability search: the next free slots that every booking rule allows. Pure Python.

:func:`find_slots` walks candidate start times in order and keeps those for which the
booking check (``rules.check_appointment`` plus ``hours.check_staff_availability``, the
same pair the booking service applies) finds nothing wrong, trying each candidate room
in turn ("next 5 slots for a medicine session at Bryn Mawr with Dr X and a monitor, room
included"). Decisions:

* Candidates are the staff's working hours on each day, every ``step`` minutes on the
  location's wall clock (10:00, 10:15, ...), from ``after`` for ``horizon`` days. When
  none of the staff asked for has working hours recorded, the search uses
  :data:`DEFAULT_DAY` on weekdays (a search for 03:00 slots helps nobody).
* One slot per start time: the first room (medicine rooms first for a medicine
  session, then by name) that passes.
* ``medicine.requires_integration`` is the one rule not applied: it is met by booking
  the integration session *with* the medicine session, which the booking form does
  (``SlotSearch.needs_follow_up``). Every other rule applies as it will at booking.
* When nothing fits, ``blocked_by`` lists the rules that refused *every* candidate
  (for example a missing consent), with their plain-language message, so the person
  searching learns why rather than seeing an empty list.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kapcare.core.violations import Violation
from kapcare.core.wording import fmt_date
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.hours import StaffSchedule, check_staff_availability
from kapcare.scheduling.rules import (
    Appointment,
    ClientInfo,
    LocationInfo,
    PathwayFacts,
    ProposedAppointment,
    RoomInfo,
    StaffInfo,
    check_appointment,
)
from kapcare.scheduling.thresholds import DEFAULT_POLICY, SchedulingPolicy
from kapcare.scheduling.vocabulary import AppointmentKind, Modality, Rule, Subject

__all__ = [
    "DEFAULT_COUNT",
    "DEFAULT_DAY",
    "Slot",
    "SlotRequest",
    "SlotSearch",
    "find_slots",
]

DEFAULT_COUNT = 5
DEFAULT_DAY = (dt.time(8), dt.time(18))
"""Search hours on weekdays when none of the staff has working hours recorded."""
MAX_CANDIDATES = 5000
"""Bounds the work of one search (28 days of 15-minute steps over 10-hour days is 1120)."""

_NOT_SLOT_RULES = frozenset({Rule.MEDICINE_REQUIRES_INTEGRATION.value})


@dataclass(frozen=True)
class SlotRequest:
    kind: AppointmentKind
    modality: Modality
    duration: dt.timedelta
    staff: tuple[StaffInfo, ...]
    after: dt.datetime
    location: LocationInfo | None = None
    rooms: tuple[RoomInfo, ...] = ()
    """Rooms to try (in person): usually every active room at the location."""
    client_location_state: str | None = None
    count: int = DEFAULT_COUNT
    step: dt.timedelta = dt.timedelta(minutes=15)
    horizon: dt.timedelta = dt.timedelta(days=28)
    per_day: int | None = None
    """At most this many slots on one day (on the location's clock): spreads the offer
    across days, as a person choosing a time wants; None offers the next ones in a row."""

    def __post_init__(self) -> None:
        if self.after.tzinfo is None or self.after.utcoffset() is None:
            raise ValueError("Search from an aware time.")
        if self.duration <= dt.timedelta(0) or self.step <= dt.timedelta(0):
            raise ValueError("The duration and step must be positive.")
        if self.count < 1:
            raise ValueError("Ask for at least one slot.")
        if self.per_day is not None and self.per_day < 1:
            raise ValueError("Allow at least one slot a day.")


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    room: RoomInfo | None


@dataclass(frozen=True)
class SlotSearch:
    slots: tuple[Slot, ...]
    blocked_by: tuple[Violation, ...] = ()
    needs_follow_up: bool = False
    time_zone: str = "UTC"
    """The zone the slots are on the wall clock of (the location's, or the practice's)."""


def _zone(request: SlotRequest, policy: SchedulingPolicy) -> zoneinfo.ZoneInfo:
    if request.location is not None:
        return zoneinfo.ZoneInfo(request.location.time_zone)
    return zoneinfo.ZoneInfo(policy.time_zone.value)


def _day_spans(
    request: SlotRequest, schedule: StaffSchedule, day: dt.date
) -> list[tuple[dt.time, dt.time, str]]:
    """The (start, end, zone) spans of ``day`` in which candidates start."""
    location_id = (
        request.location.id
        if request.modality is Modality.IN_PERSON and request.location is not None
        else None
    )
    ids = {s.id for s in request.staff}
    windows = [
        w
        for w in schedule.windows
        if w.staff_id in ids and (location_id is None or w.location_id == location_id)
    ]
    if any(schedule.windows_of(i) for i in ids):
        return sorted(
            {(w.start, w.end, w.time_zone) for w in windows if w.weekday == day.weekday()}
        )
    if day.weekday() >= 5:
        return []
    zone = request.location.time_zone if request.location is not None else ""
    return [(DEFAULT_DAY[0], DEFAULT_DAY[1], zone)]


def _candidates(
    request: SlotRequest, schedule: StaffSchedule, tz: zoneinfo.ZoneInfo
) -> Iterator[dt.datetime]:
    """Start times in order: on the step grid of each span, from ``after``."""
    after = request.after
    first_day = after.astimezone(tz).date()
    days = request.horizon.days + 1
    step_minutes = max(1, int(request.step.total_seconds() // 60))
    seen: set[dt.datetime] = set()
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        starts: set[dt.datetime] = set()
        for span_start, span_end, zone in _day_spans(request, schedule, day):
            span_tz = zoneinfo.ZoneInfo(zone) if zone else tz
            minute = span_start.hour * 60 + span_start.minute + (span_start.second > 0)
            minute = -(-minute // step_minutes) * step_minutes  # up to the step grid
            close = dt.datetime.combine(day, span_end, span_tz)
            while minute < 24 * 60:
                cursor = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), span_tz)
                if cursor + request.duration > close:
                    break
                if cursor >= after:
                    starts.add(cursor.astimezone(dt.UTC))
                minute += step_minutes
        for start in sorted(starts - seen):
            seen.add(start)
            if start < after + request.horizon:
                yield start


def _rooms(request: SlotRequest) -> list[RoomInfo | None]:
    if request.modality is Modality.TELEHEALTH:
        return [None]
    wanted = RoomKind.MEDICINE if request.kind is AppointmentKind.MEDICINE else RoomKind.THERAPY
    active = sorted(
        (r for r in request.rooms if r.is_active),
        key=lambda r: (r.kind is not wanted, r.name, r.id),
    )
    return list(active)


def _no_hours(request: SlotRequest, tz: zoneinfo.ZoneInfo) -> Violation:
    """Why no candidate was tried at all: nobody works there in the searched days."""
    where = f" at {request.location.name}" if request.location and request.location.name else ""
    until = (request.after + request.horizon).astimezone(tz)
    return Violation(
        Rule.STAFF_OUTSIDE_WORKING_HOURS,
        f"The staff chosen have no working hours{where} long enough for this session before "
        f"{fmt_date(until.date())}. Choose other staff or another location, or add working hours.",
        Subject.APPOINTMENT,
    )


def find_slots(
    request: SlotRequest,
    *,
    client: ClientInfo,
    pathway: PathwayFacts,
    calendar: Sequence[Appointment] = (),
    schedule: StaffSchedule | None = None,
    policy: SchedulingPolicy = DEFAULT_POLICY,
) -> SlotSearch:
    """The next ``request.count`` slots that pass every booking rule (see the module)."""
    schedule = schedule or StaffSchedule()
    tz = _zone(request, policy)
    zone_name = (
        request.location.time_zone if request.location is not None else policy.time_zone.value
    )
    rooms = _rooms(request)
    staff_ids = {s.id for s in request.staff}
    room_ids = {r.id for r in rooms if r is not None}
    # Only what can clash: appointments of the staff, the rooms (or the client's own).
    relevant = sorted(
        (a for a in calendar if a.staff_ids & staff_ids or a.room_id in room_ids),
        key=lambda a: a.start,
    )
    slots: list[Slot] = []
    always: dict[str, Violation] | None = None
    tried = 0
    on_day: dict[dt.date, int] = {}
    for start in _candidates(request, schedule, tz):
        day = start.astimezone(tz).date()
        if request.per_day is not None and on_day.get(day, 0) >= request.per_day:
            continue
        end = start + request.duration
        nearby = [a for a in relevant if a.start < end and a.end > start]
        for room in rooms if rooms else [None]:
            tried += 1
            proposed = ProposedAppointment(
                kind=request.kind,
                modality=request.modality,
                start=start,
                end=end,
                staff=request.staff,
                location=request.location,
                room=room,
                client_location_state=request.client_location_state,
            )
            violations = [
                v
                for v in check_appointment(
                    proposed, client=client, pathway=pathway, calendar=nearby, policy=policy
                )
                + check_staff_availability(proposed, schedule, time_zone=zone_name)
                if v.rule not in _NOT_SLOT_RULES
            ]
            if not violations:
                slots.append(Slot(start, end, room))
                on_day[day] = on_day.get(day, 0) + 1
                break
            found = {v.rule: v for v in violations}
            always = found if always is None else {k: v for k, v in always.items() if k in found}
        if len(slots) >= request.count or tried >= MAX_CANDIDATES:
            break
    blocked: tuple[Violation, ...] = ()
    if not slots and always is not None:
        blocked = tuple(always.values())
    elif not slots:
        blocked = (_no_hours(request, tz),)
    return SlotSearch(
        slots=tuple(slots),
        blocked_by=blocked,
        needs_follow_up=request.kind is AppointmentKind.MEDICINE,
        time_zone=zone_name,
    )
