"""The planner's clock: 15-minute slots on the practice's wall clock. Pure Python.

Slot ``s`` is minute ``15 * (s % 96)`` of day ``s // 96`` after the horizon's first date,
on the wall clock of the practice's zone. Every day has 96 slots, so "day N of an
intensive" is a linear constraint; the one hour a year that repeats (and the one that
does not exist) fall at night, outside any working hours. Working hours, time off and
appointments are turned into slot ranges here: starts are rounded down and ends up, so a
busy span never shrinks.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from kapcare.scheduling.availability import DEFAULT_DAY
from kapcare.scheduling.hours import StaffSchedule
from kapcare.scheduling.rules import Appointment
from kapcare.scheduling.vocabulary import SLOT_HOLDING_STATUSES

__all__ = ["SLOTS_PER_DAY", "SLOT_MINUTES", "Grid", "Span", "starts_within", "subtract"]

SLOT_MINUTES = 15
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES

Span = tuple[int, int]
"""Half-open ``[start, end)`` in slots."""


@dataclass(frozen=True)
class Grid:
    start: dt.date
    days: int
    time_zone: str

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def size(self) -> int:
        return self.days * SLOTS_PER_DAY

    def date_of(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)

    def day_of(self, on: dt.date) -> int:
        return (on - self.start).days

    def _minutes(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.tz)
        return self.day_of(local.date()) * 24 * 60 + local.hour * 60 + local.minute

    def floor(self, moment: dt.datetime) -> int:
        return self._minutes(moment) // SLOT_MINUTES

    def ceil(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.tz)
        minutes = self._minutes(moment)
        exact = local.second == 0 and local.microsecond == 0 and minutes % SLOT_MINUTES == 0
        return minutes // SLOT_MINUTES + (0 if exact else 1)

    def moment(self, slot: int) -> dt.datetime:
        """The aware time of a slot's start (UTC)."""
        day, rest = divmod(slot, SLOTS_PER_DAY)
        minutes = rest * SLOT_MINUTES
        local = dt.datetime.combine(
            self.date_of(day), dt.time(minutes // 60, minutes % 60), tzinfo=self.tz
        )
        return local.astimezone(dt.UTC)

    def clip(self, spans: Iterable[Span]) -> list[Span]:
        """Spans cut to the horizon, sorted and joined where they touch."""
        out: list[Span] = []
        for a, b in sorted((max(0, a), min(self.size, b)) for a, b in spans):
            if a >= b:
                continue
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return out

    # --- working hours, time off, appointments as spans ---------------------------------

    def working_spans(
        self, schedule: StaffSchedule, staff_id: int, location_id: int | None
    ) -> list[Span]:
        """When the person works (at ``location_id``; anywhere when None).

        Someone with no working hours recorded is not limited by the booking rules; the
        planner still keeps them to :data:`~kapcare.scheduling.availability.DEFAULT_DAY`
        on weekdays, as the availability search does.
        """
        windows = schedule.windows_of(staff_id)
        spans: list[Span] = []
        for day in range(self.days):
            on = self.date_of(day)
            if not windows:
                if on.weekday() < 5:
                    spans.append(self._span(on, DEFAULT_DAY[0], DEFAULT_DAY[1], self.time_zone))
                continue
            for w in windows:
                if w.weekday == on.weekday() and location_id in (None, w.location_id):
                    spans.append(self._span(on, w.start, w.end, w.time_zone))
        return self.clip(spans)

    def _span(self, on: dt.date, start: dt.time, end: dt.time, zone: str) -> Span:
        tz = zoneinfo.ZoneInfo(zone)
        low = self.ceil(dt.datetime.combine(on, start, tzinfo=tz))
        high = (
            self.floor(dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), tzinfo=tz))
            if end == dt.time.max
            else self.floor(dt.datetime.combine(on, end, tzinfo=tz))
        )
        return (low, high)

    def busy_spans(
        self,
        schedule: StaffSchedule,
        calendar: Iterable[Appointment],
        *,
        staff_id: int | None = None,
        room_id: int | None = None,
    ) -> list[Span]:
        """When a staff member (time off and appointments) or a room is taken."""
        spans = [
            (self.floor(a.start), self.ceil(a.end))
            for a in calendar
            if a.status in SLOT_HOLDING_STATUSES
            and (
                (staff_id is not None and staff_id in a.staff_ids)
                or (room_id is not None and a.room_id == room_id)
            )
        ]
        if staff_id is not None:
            spans += [
                (self.floor(x.start), self.ceil(x.end)) for x in schedule.absences_of(staff_id)
            ]
        return self.clip(spans)

    def appointment_spans(self, appointments: Iterable[Appointment]) -> list[Span]:
        return self.clip(
            (self.floor(a.start), self.ceil(a.end))
            for a in appointments
            if a.status in SLOT_HOLDING_STATUSES
        )


def subtract(spans: list[Span], taken: list[Span]) -> list[Span]:
    """``spans`` minus ``taken`` (both sorted, joined)."""
    out: list[Span] = []
    for a, b in spans:
        cursor = a
        for x, y in taken:
            if y <= cursor or x >= b:
                continue
            if x > cursor:
                out.append((cursor, x))
            cursor = max(cursor, y)
        if cursor < b:
            out.append((cursor, b))
    return out


def starts_within(spans: list[Span], length: int) -> list[Span]:
    """The start slots (as closed ranges ``[first, last]``) where ``length`` slots fit."""
    return [(a, b - length) for a, b in spans if b - a >= length]
