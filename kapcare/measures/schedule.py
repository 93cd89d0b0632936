"""When an assigned measure falls due, and which responses meet it (pure; no Django).

Each schedule turns into occurrences (dates). A response meets an occurrence when
it was completed inside that occurrence's window; each response meets at most one
occurrence (the earliest it can), so two medicine sessions three days apart need
two responses.
"""

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "WINDOWS",
    "Occurrence",
    "ScheduleKind",
    "add_months",
    "is_open",
    "next_due",
    "occurrences",
]

ScheduleKind: TypeAlias = Literal["once", "before_medicine", "each_integration", "monthly"]

# Days before and after an occurrence that a response still counts for it. Before a
# medicine session: the week before, up to the day itself (a measure taken after the
# session says nothing about readiness). At integration: two days either side.
# Monthly: from a week before the date until a week before the next one.
WINDOWS: dict[ScheduleKind, tuple[int, int]] = {
    "once": (0, 0),  # any response on or after the due date's assignment (see below)
    "before_medicine": (7, 0),
    "each_integration": (2, 2),
    "monthly": (7, 0),  # the end is the next occurrence's start
}
# How far ahead monthly occurrences are listed.
HORIZON_DAYS = 31


@dataclass(frozen=True)
class Occurrence:
    on: dt.date
    done: bool
    overdue: bool


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _windows(
    kind: ScheduleKind,
    dates: Sequence[dt.date],
) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(occurrence, window start, window end inclusive) for each occurrence date."""
    before, after = WINDOWS[kind]
    result = []
    for index, on in enumerate(dates):
        start = on - dt.timedelta(days=before)
        if kind == "monthly":
            end = (
                dates[index + 1] - dt.timedelta(days=before + 1)
                if index + 1 < len(dates)
                else dt.date.max
            )
        else:
            end = on + dt.timedelta(days=after)
        result.append((on, start, end))
    return result


def occurrences(
    kind: ScheduleKind,
    *,
    assigned_on: dt.date,
    first_due: dt.date,
    today: dt.date,
    medicine_dates: Sequence[dt.date] = (),
    integration_dates: Sequence[dt.date] = (),
    completed: Sequence[dt.date] = (),
    ended_on: dt.date | None = None,
) -> list[Occurrence]:
    """The assignment's occurrences up to its end, each met or not, oldest first.

    ``completed`` are the dates of responses to the assigned instrument; responses
    before ``assigned_on`` never count. ``once`` is met by any response on or after
    ``assigned_on``.
    """
    last = ended_on or dt.date.max
    if kind == "once":
        dates = [first_due]
    elif kind == "monthly":
        horizon = min(today + dt.timedelta(days=HORIZON_DAYS), last)
        dates = []
        step = 0
        while (on := add_months(first_due, step)) <= horizon:
            dates.append(on)
            step += 1
    else:
        source = medicine_dates if kind == "before_medicine" else integration_dates
        dates = sorted({d for d in source if assigned_on <= d <= last})
    usable = sorted(d for d in completed if d >= assigned_on)
    used = [False] * len(usable)
    result = []
    for on, start, end in (
        [(first_due, assigned_on, dt.date.max)] if kind == "once" else _windows(kind, dates)
    ):
        done = False
        for index, day in enumerate(usable):
            if not used[index] and start <= day <= end:
                used[index] = done = True
                break
        result.append(Occurrence(on=on, done=done, overdue=not done and on < today))
    return result


def next_due(found: Sequence[Occurrence]) -> Occurrence | None:
    """The earliest occurrence not yet met, if any."""
    return next((o for o in found if not o.done), None)


def is_open(kind: ScheduleKind, due_on: dt.date, today: dt.date) -> bool:
    """Whether a response today would meet the occurrence due on ``due_on`` (its window
    has opened): what the client is asked to do now. ``once`` is open from assigning."""
    if kind == "once":
        return True
    before, _after = WINDOWS[kind]
    return today >= due_on - dt.timedelta(days=before)
