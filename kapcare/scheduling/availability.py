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
* A medicine session is offered **paired with its integration session** when the
  request says how to hold it (``SlotRequest.follow_up``): for each medicine slot, the
  first integration slot in the window the care model requires (after the session ends,
  by the end of the K-th day after it, K = ``integration_within_days`` of the client's
  plan format: ongoing 7, intensive 2; CLINICAL.md) is found, and the pair is checked
  by :func:`~kapcare.scheduling.booking_check.check_booking` exactly as the booking
  service checks a medicine session booked with its follow-up in one request. The
  integration is looked for from the next day on (the client goes home to rest after a
  dose; practices hold integration 1-3 days after), on the same day only when the
  window is that day (K = 0). A medicine slot without an integration slot in its window
  is not offered.
* Without ``follow_up``, ``medicine.requires_integration`` is the one rule not applied
  to a medicine slot: the booking form then asks for the integration session
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
from kapcare.scheduling.booking_check import check_booking
from kapcare.scheduling.hours import StaffSchedule
from kapcare.scheduling.rules import (
    Appointment,
    ClientInfo,
    LocationInfo,
    PathwayFacts,
    ProposedAppointment,
    RoomInfo,
    StaffInfo,
)
from kapcare.scheduling.rules.pathway import integration_deadline, plan_format_of
from kapcare.scheduling.thresholds import DEFAULT_POLICY, SchedulingPolicy
from kapcare.scheduling.vocabulary import AppointmentKind, Modality, Rule, Subject

__all__ = [
    "DEFAULT_COUNT",
    "DEFAULT_DAY",
    "FollowUpSlotRequest",
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
class FollowUpSlotRequest:
    """How to hold the integration session found with each medicine slot."""

    modality: Modality
    duration: dt.timedelta
    staff: tuple[StaffInfo, ...]
    location: LocationInfo | None = None
    rooms: tuple[RoomInfo, ...] = ()
    """Rooms to try (in person): usually every active room at the location."""
    client_location_state: str | None = None

    def __post_init__(self) -> None:
        if self.duration <= dt.timedelta(0):
            raise ValueError("The duration must be positive.")


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
    follow_up: FollowUpSlotRequest | None = None
    """A medicine session's integration session, found and checked with each slot."""

    def __post_init__(self) -> None:
        if self.after.tzinfo is None or self.after.utcoffset() is None:
            raise ValueError("Search from an aware time.")
        if self.duration <= dt.timedelta(0) or self.step <= dt.timedelta(0):
            raise ValueError("The duration and step must be positive.")
        if self.count < 1:
            raise ValueError("Ask for at least one slot.")
        if self.per_day is not None and self.per_day < 1:
            raise ValueError("Allow at least one slot a day.")
        if self.follow_up is not None and self.kind is not AppointmentKind.MEDICINE:
            raise ValueError("Only a medicine session is paired with an integration session.")


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    room: RoomInfo | None
    follow_up: "Slot | None" = None
    """The integration session offered with a medicine session (booked together)."""


@dataclass(frozen=True)
class SlotSearch:
    slots: tuple[Slot, ...]
    blocked_by: tuple[Violation, ...] = ()
    needs_follow_up: bool = False
    time_zone: str = "UTC"
    """The zone the slots are on the wall clock of (the location's, or the practice's)."""
    follow_up_staff: tuple[int, ...] = ()
    """Who holds the integration sessions offered with the slots (``Slot.follow_up``)."""
    follow_up_time_zone: str = "UTC"
    """The zone of the integration's wall clock (its office's, or the practice's)."""


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


def _proposed(
    kind: AppointmentKind,
    asked: "SlotRequest | FollowUpSlotRequest",
    start: dt.datetime,
    room: RoomInfo | None,
) -> ProposedAppointment:
    return ProposedAppointment(
        kind=kind,
        modality=asked.modality,
        start=start,
        end=start + asked.duration,
        staff=asked.staff,
        location=asked.location if asked.modality is Modality.IN_PERSON else None,
        room=room,
        client_location_state=asked.client_location_state,
    )


def _overlapping(
    calendar: Sequence[Appointment], *spans: tuple[dt.datetime, dt.datetime]
) -> list[Appointment]:
    return [a for a in calendar if any(a.start < end and a.end > start for start, end in spans)]


def _intersect(
    always: dict[str, Violation] | None, violations: Sequence[Violation]
) -> dict[str, Violation]:
    """The rules that refused every candidate so far (the first one's, then the common)."""
    found = {v.rule: v for v in violations}
    return found if always is None else {k: v for k, v in always.items() if k in found}


@dataclass
class _Search:
    """What one search shares: the facts, and the work done (bounded by MAX_CANDIDATES)."""

    client: ClientInfo
    pathway: PathwayFacts
    calendar: Sequence[Appointment]
    schedule: StaffSchedule
    policy: SchedulingPolicy
    tried: int = 0
    follow_up_always: dict[str, Violation] | None = None
    follow_up_tried: bool = False

    def check(
        self,
        proposed: ProposedAppointment,
        follow_up: ProposedAppointment | None = None,
    ) -> list[Violation]:
        self.tried += 1
        spans = [(proposed.start, proposed.end)]
        if follow_up is not None:
            spans.append((follow_up.start, follow_up.end))
        return check_booking(
            proposed,
            client=self.client,
            pathway=self.pathway,
            calendar=_overlapping(self.calendar, *spans),
            schedule=self.schedule,
            policy=self.policy,
            follow_up=follow_up,
        )


def _integration_window(
    medicine: ProposedAppointment, search: _Search, tz: zoneinfo.ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """From when to when the integration is looked for (see the module)."""
    params = search.policy.for_format(plan_format_of(search.pathway))
    ends = dt.datetime.combine(
        integration_deadline(medicine.end, params, tz) + dt.timedelta(days=1), dt.time(), tz
    )
    if params.integration_within_days.value == 0:
        return medicine.end, ends
    next_day = dt.datetime.combine(
        medicine.end.astimezone(tz).date() + dt.timedelta(days=1), dt.time(), tz
    )
    return max(medicine.end, next_day), ends


def _integration_for(
    medicine: ProposedAppointment,
    request: SlotRequest,
    follow: FollowUpSlotRequest,
    search: _Search,
    tz: zoneinfo.ZoneInfo,
) -> Slot | None:
    """The first integration slot that books with ``medicine`` (every rule, both checked)."""
    after, ends = _integration_window(medicine, search, tz)
    if ends <= after:
        return None
    asked = SlotRequest(
        kind=AppointmentKind.INTEGRATION,
        modality=follow.modality,
        duration=follow.duration,
        staff=follow.staff,
        after=after,
        location=follow.location,
        rooms=follow.rooms,
        client_location_state=follow.client_location_state,
        step=request.step,
        horizon=ends - after,
    )
    rooms = _rooms(asked) or [None]
    for start in _candidates(asked, search.schedule, _zone(asked, search.policy)):
        for room in rooms:
            if search.tried >= MAX_CANDIDATES:
                return None
            integration = _proposed(AppointmentKind.INTEGRATION, follow, start, room)
            search.follow_up_tried = True
            violations = search.check(medicine, integration)
            if not violations:
                return Slot(integration.start, integration.end, room)
            search.follow_up_always = _intersect(search.follow_up_always, violations)
    return None


def _no_integration(request: SlotRequest, search: _Search) -> Violation:
    """Why no medicine time was offered although some were free: no integration after them."""
    params = search.policy.for_format(plan_format_of(search.pathway))
    days = params.integration_within_days.value
    return Violation(
        Rule.MEDICINE_REQUIRES_INTEGRATION,
        f"There are free times for the medicine session, but the staff chosen for the "
        f"integration session have no free time within {days} "
        f"day{'' if days == 1 else 's'} after any of them. Choose other staff or telehealth "
        "for the integration session, or add working hours.",
        Subject.FOLLOW_UP,
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
    """The next ``request.count`` slots that pass every booking rule (see the module);
    each medicine slot paired with its integration slot when ``request.follow_up`` says how."""
    schedule = schedule or StaffSchedule()
    tz = _zone(request, policy)
    zone_name = (
        request.location.time_zone if request.location is not None else policy.time_zone.value
    )
    rooms = _rooms(request)
    follow = request.follow_up
    staff_ids = {s.id for s in request.staff}
    room_ids = {r.id for r in rooms if r is not None}
    if follow is not None:
        staff_ids |= {s.id for s in follow.staff}
        room_ids |= {r.id for r in follow.rooms}
    # Only what can clash: appointments of the staff, the rooms (or the client's own).
    relevant = sorted(
        (a for a in calendar if a.staff_ids & staff_ids or a.room_id in room_ids),
        key=lambda a: a.start,
    )
    search = _Search(client, pathway, relevant, schedule, policy)
    slots: list[Slot] = []
    always: dict[str, Violation] | None = None
    medicine_free = False
    on_day: dict[dt.date, int] = {}
    for start in _candidates(request, schedule, tz):
        day = start.astimezone(tz).date()
        if request.per_day is not None and on_day.get(day, 0) >= request.per_day:
            continue
        for room in rooms if rooms else [None]:
            proposed = _proposed(request.kind, request, start, room)
            violations = [v for v in search.check(proposed) if v.rule not in _NOT_SLOT_RULES]
            if violations:
                always = _intersect(always, violations)
                continue
            paired = None
            if follow is not None:
                medicine_free = True
                paired = _integration_for(proposed, request, follow, search, tz)
                if paired is None:
                    break  # the window follows the time, not the room: try the next time
            slots.append(Slot(proposed.start, proposed.end, room, follow_up=paired))
            on_day[day] = on_day.get(day, 0) + 1
            break
        if len(slots) >= request.count or search.tried >= MAX_CANDIDATES:
            break
    blocked: tuple[Violation, ...] = ()
    if not slots and medicine_free:
        follow_up_rules = [
            v for v in (search.follow_up_always or {}).values() if v.subject is Subject.FOLLOW_UP
        ]
        blocked = tuple(follow_up_rules) or (_no_integration(request, search),)
    elif not slots and always is not None:
        blocked = tuple(always.values())
    elif not slots:
        blocked = (_no_hours(request, tz),)
    return SlotSearch(
        slots=tuple(slots),
        blocked_by=blocked,
        needs_follow_up=request.kind is AppointmentKind.MEDICINE,
        time_zone=zone_name,
        follow_up_staff=tuple(s.id for s in follow.staff) if follow is not None else (),
        follow_up_time_zone=(
            follow.location.time_zone
            if follow is not None and follow.location is not None
            else policy.time_zone.value
        ),
    )
