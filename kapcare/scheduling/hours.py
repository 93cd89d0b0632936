"""Staff working hours and time off as booking rules: pure functions over plain data.

Two codes, additions to DESIGN.md's table, applied by the one booking service after
``rules.check_appointment``:

``staff.outside_working_hours``
    A staff member who has working hours recorded can be booked only inside one of
    them: the whole appointment within one window (windows of the same day and
    location that touch are joined), on the location's wall clock. In person, the
    window must be at the appointment's location; a telehealth session may fall in any
    of the person's windows (they work from that office). A staff member with **no**
    working hours recorded is not limited: a practice that has not entered hours yet
    can still book, and the settings page says whose hours are missing.
``staff.time_off``
    No staff member may be booked for any moment of their time off (half-open
    ``[start, end)``, like appointments: time off ending at 09:00 allows a 09:00 start).

Messages name the staff member and the times, never the reason for the time off.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kapcare.core.violations import Violation
from kapcare.core.wording import fmt_datetime, fmt_time
from kapcare.scheduling.rules import ProposedAppointment, StaffInfo, intervals_overlap
from kapcare.scheduling.vocabulary import Modality, Rule, Subject

__all__ = [
    "WEEKDAY_NAMES",
    "Absence",
    "StaffSchedule",
    "WorkingWindow",
    "check_staff_availability",
    "fits_working_hours",
    "window_problem",
]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class WorkingWindow:
    """``staff_id`` works at ``location_id`` on ``weekday`` (0 Monday) from start to end."""

    staff_id: int
    location_id: int
    weekday: int
    start: dt.time
    end: dt.time
    time_zone: str = "America/New_York"
    location_name: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("A weekday is 0 (Monday) to 6 (Sunday).")
        if self.end <= self.start:
            raise ValueError("Working hours end after they start.")


@dataclass(frozen=True)
class Absence:
    """Time off: ``staff_id`` cannot be booked in ``[start, end)``."""

    staff_id: int
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class StaffSchedule:
    """The working hours and time off of the staff a check is about."""

    windows: tuple[WorkingWindow, ...] = ()
    absences: tuple[Absence, ...] = ()

    def windows_of(self, staff_id: int) -> list[WorkingWindow]:
        return [w for w in self.windows if w.staff_id == staff_id]

    def absences_of(self, staff_id: int) -> list[Absence]:
        return [a for a in self.absences if a.staff_id == staff_id]


def window_problem(weekday: int, start: dt.time, end: dt.time) -> str | None:
    """What is wrong with a working-hours window as entered, or None."""
    if not 0 <= weekday <= 6:
        return "Choose a day of the week."
    if end <= start:
        return "The working hours must end after they start (on the same day)."
    return None


def _is_aware(moment: dt.datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


def _joined(windows: Iterable[WorkingWindow]) -> list[tuple[dt.time, dt.time]]:
    """Windows of one day and place, with touching or overlapping ones joined."""
    spans: list[tuple[dt.time, dt.time]] = []
    for w in sorted(windows, key=lambda w: (w.start, w.end)):
        if spans and w.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], w.end))
        else:
            spans.append((w.start, w.end))
    return spans


def _fits(windows: Sequence[WorkingWindow], start: dt.datetime, end: dt.datetime) -> bool:
    groups: dict[tuple[int, int, str], list[WorkingWindow]] = {}
    for w in windows:
        groups.setdefault((w.location_id, w.weekday, w.time_zone), []).append(w)
    for (_, weekday, zone), group in groups.items():
        tz = zoneinfo.ZoneInfo(zone)
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        if local_start.weekday() != weekday:
            continue
        day_end = dt.datetime.combine(local_start.date() + dt.timedelta(days=1), dt.time(), tz)
        if local_end > day_end:
            continue  # past midnight: no window reaches that far
        # A window ending at 23:59:59.999999 is not 24:00; compare end by wall time,
        # treating an end exactly at midnight as the end of the day.
        end_time = local_end.time() if local_end < day_end else dt.time.max
        for span_start, span_end in _joined(group):
            if span_start <= local_start.time() and end_time <= span_end:
                return True
    return False


def fits_working_hours(
    schedule: StaffSchedule,
    staff_id: int,
    start: dt.datetime,
    end: dt.datetime,
    *,
    location_id: int | None,
) -> bool:
    """Whether ``[start, end)`` is within the person's hours (always, if none recorded)."""
    windows = schedule.windows_of(staff_id)
    if not windows:
        return True
    if location_id is not None:
        windows = [w for w in windows if w.location_id == location_id]
    return _fits(windows, start, end)


def _label(staff: StaffInfo) -> str:
    return staff.name or f"Staff member {staff.id}"


def _fmt(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    return fmt_datetime(moment.astimezone(tz))


def _hours_text(windows: Sequence[WorkingWindow], weekday: int) -> str:
    same_day = [w for w in windows if w.weekday == weekday]
    if not same_day:
        return f"no working hours on {WEEKDAY_NAMES[weekday]}s"
    spans = ", ".join(f"{fmt_time(s)}\N{EN DASH}{fmt_time(e)}" for s, e in _joined(same_day))
    return f"working hours on {WEEKDAY_NAMES[weekday]}s {spans}"


def check_staff_availability(
    appointment: ProposedAppointment,
    schedule: StaffSchedule,
    *,
    time_zone: str,
    subject: Subject = Subject.APPOINTMENT,
) -> list[Violation]:
    """``staff.outside_working_hours`` and ``staff.time_off`` for one proposed booking.

    ``time_zone`` is the zone messages use (the location's, or the practice's for
    telehealth). Times that are naive or not in order are left to ``rules`` to report.
    """
    a = appointment
    if not (_is_aware(a.start) and _is_aware(a.end)) or a.end <= a.start:
        return []
    tz = zoneinfo.ZoneInfo(time_zone)
    location_id = (
        a.location.id if a.modality is Modality.IN_PERSON and a.location is not None else None
    )
    outside: list[str] = []
    away: list[str] = []
    for staff in sorted(set(a.staff), key=lambda s: s.id):
        if not fits_working_hours(schedule, staff.id, a.start, a.end, location_id=location_id):
            windows = schedule.windows_of(staff.id)
            if location_id is not None:
                here = [w for w in windows if w.location_id == location_id]
                place = a.location.name if a.location is not None and a.location.name else ""
                where = f" at {place}" if place else " at this location"
                hours = _hours_text(here, a.start.astimezone(tz).weekday()) if here else ""
                detail = f"{hours}{where}" if here else f"no working hours{where}"
            else:
                detail = _hours_text(windows, a.start.astimezone(tz).weekday())
            outside.append(f"{_label(staff)} has {detail}.")
        clashes = sorted(
            (
                x
                for x in schedule.absences_of(staff.id)
                if intervals_overlap(a.start, a.end, x.start, x.end)
            ),
            key=lambda x: (x.start, x.end),
        )
        if clashes:
            spans = "; ".join(f"{_fmt(x.start, tz)} to {_fmt(x.end, tz)}" for x in clashes)
            away.append(f"{_label(staff)} is away (time off) from {spans}.")
    violations = []
    if outside:
        violations.append(
            Violation(
                Rule.STAFF_OUTSIDE_WORKING_HOURS,
                " ".join(
                    [
                        f"This appointment ({_fmt(a.start, tz)} to {_fmt(a.end, tz)}) is outside "
                        "working hours.",
                        *outside,
                        "Choose a time within their hours, another staff member, or change "
                        "their working hours.",
                    ]
                ),
                subject,
            )
        )
    if away:
        violations.append(
            Violation(
                Rule.STAFF_TIME_OFF,
                " ".join([*away, "Choose another time or another staff member."]),
                subject,
            )
        )
    return violations
