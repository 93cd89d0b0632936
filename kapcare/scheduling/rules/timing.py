"""Time and wording helpers of the scheduling rules: instants in UTC, dates in a zone.

All comparisons of instants happen in UTC (Python compares two datetimes that share a
tzinfo by wall clock, which is wrong across a DST change); dates are taken in the
location's zone.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from kapcare.core.wording import fmt_date, fmt_datetime, fmt_time
from kapcare.pathway.vocabulary import PlanFormat
from kapcare.scheduling.rules.facts import Appointment, StaffInfo

__all__ = [
    "by_time",
    "fmt_span",
    "fmt_when",
    "format_label",
    "intervals_overlap",
    "local_date",
    "plus_wall_clock_days",
    "staff_label",
    "utc",
    "zone",
]


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def intervals_overlap(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    """Half-open ``[start, end)`` overlap of two aware intervals."""
    return utc(a_start) < utc(b_end) and utc(b_start) < utc(a_end)


def local_date(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.date:
    return moment.astimezone(tz).date()


def plus_wall_clock_days(moment: dt.datetime, days: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The same local time ``days`` later (aware arithmetic is wall-clock arithmetic)."""
    return utc(moment.astimezone(tz) + dt.timedelta(days=days))


def fmt_when(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return fmt_datetime(local)


def fmt_span(start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.date() == local_end.date():
        return (
            f"{fmt_date(local_start.date())} from {fmt_time(local_start)} to {fmt_time(local_end)}"
        )
    return f"{fmt_when(start, tz)} to {fmt_when(end, tz)}"


def by_time(appointments: Iterable[Appointment]) -> list[Appointment]:
    return sorted(
        set(appointments),
        key=lambda a: (utc(a.start), utc(a.end), a.id if a.id is not None else -1),
    )


def format_label(plan_format: PlanFormat) -> str:
    return f"{plan_format.value} format"


def staff_label(staff: StaffInfo) -> str:
    return staff.name or f"Staff member #{staff.id}"
