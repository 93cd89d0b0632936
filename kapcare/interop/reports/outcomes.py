"""The practice's outcomes as tables: pure (no Django), so every figure can be checked
against a constructed cohort.

- Change per instrument: each client's first and latest totals classified by Jacobson &
  Truax (``measures.scoring.classify_change``: recovered, improved, unchanged,
  deteriorated), tallied for everyone, by format (ongoing, intensive) and by the number
  of medicine sessions held.
- Small cells are suppressed: a row of fewer than ``MIN_CELL`` clients shows nothing; in
  a row shown, a count from 1 to ``MIN_CELL - 1`` is hidden, and when only one is hidden
  the next smallest count is hidden too, so no hidden count follows from the row's total
  and the others (complementary suppression).
- Monitoring billed per month (0820T-0822T) is published the same way: the months'
  session counts are one column whose total is published (the medicine sessions held),
  so a month of 1 to ``MIN_CELL - 1`` sessions is hidden, complementarily; in a month
  shown, a code's units are hidden when 1 to ``MIN_CELL - 1`` of its sessions billed it.
  No total of units is published, so a hidden unit figure follows from nothing shown.
- A single count published on its own (flags, adverse events, sessions held) is hidden
  from 1 to ``MIN_CELL - 1`` (``shown_count``).
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kapcare.measures.scoring import ChangeCategory

__all__ = [
    "CATEGORIES",
    "MIN_CELL",
    "Cell",
    "ClientCourse",
    "MonitoringRow",
    "MonthOfMonitoring",
    "Row",
    "Segment",
    "band_of",
    "bar",
    "change_rows",
    "count_row",
    "monitoring_rows",
    "per_hundred",
    "shown_count",
    "suppress",
]

# CMS's cell-size rule: counts of 1 to 10 are not published.
MIN_CELL = 11
CATEGORIES: tuple[ChangeCategory, ...] = ("recovered", "improved", "unchanged", "deteriorated")
# Medicine sessions held, as the rows group them.
BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 0, "No medicine session"),
    (1, 2, "1 or 2 medicine sessions"),
    (3, 5, "3 to 5 medicine sessions"),
    (6, None, "6 or more medicine sessions"),
)
FORMATS = (("ongoing", "Ongoing format"), ("intensive", "Intensive format"))


@dataclass(frozen=True)
class ClientCourse:
    """One client's course, without who they are."""

    format: str  # "ongoing", "intensive", or "" without a plan
    medicine_sessions: int
    changes: Mapping[str, ChangeCategory]  # instrument code -> first-to-latest change


@dataclass(frozen=True)
class Cell:
    count: int | None  # None: suppressed
    share: float | None  # percent of the row, None when suppressed

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Row:
    label: str
    total: int | None  # None: the whole row is suppressed
    cells: tuple[Cell, ...]  # in CATEGORIES order

    @property
    def suppressed(self) -> bool:
        return self.total is None


def band_of(sessions: int) -> str:
    for low, high, label in BANDS:
        if sessions >= low and (high is None or sessions <= high):
            return label
    raise ValueError("A number of sessions is never negative.")


def suppress(counts: Sequence[int], *, minimum: int = MIN_CELL) -> list[int | None]:
    """``counts`` of one row with the small ones hidden (None), complementarily."""
    if any(c < 0 for c in counts):
        raise ValueError("Counts are never negative.")
    hidden = [0 < c < minimum for c in counts]
    if sum(hidden) == 1:
        shown = [(c, i) for i, c in enumerate(counts) if not hidden[i] and c > 0]
        if shown:
            hidden[min(shown)[1]] = True
    return [None if h else c for c, h in zip(counts, hidden, strict=True)]


def _row(label: str, categories: Iterable[ChangeCategory], minimum: int) -> Row:
    tally = dict.fromkeys(CATEGORIES, 0)
    for category in categories:
        tally[category] += 1
    total = sum(tally.values())
    if total < minimum:
        return Row(label, None, tuple(Cell(None, None) for _ in CATEGORIES))
    counts = suppress([tally[c] for c in CATEGORIES], minimum=minimum)
    return Row(
        label,
        total,
        tuple(
            Cell(count, None if count is None else round(100 * count / total, 1))
            for count in counts
        ),
    )


def change_rows(
    courses: Sequence[ClientCourse], instrument: str, *, minimum: int = MIN_CELL
) -> list[Row]:
    """Everyone, each format, each band of medicine sessions: one row each."""
    measured = [c for c in courses if instrument in c.changes]
    groups: list[tuple[str, list[ClientCourse]]] = [("All clients", measured)]
    groups += [(label, [c for c in measured if c.format == code]) for code, label in FORMATS]
    groups += [
        (label, [c for c in measured if band_of(c.medicine_sessions) == label])
        for _, _, label in BANDS
    ]
    return [_row(label, (c.changes[instrument] for c in group), minimum) for label, group in groups]


def per_hundred(events: int, sessions: int, *, minimum: int = MIN_CELL) -> float | None:
    """Events per 100 medicine sessions; None when the events are a small cell (1 to
    ``minimum - 1``) or there were no sessions."""
    if sessions <= 0 or 0 < events < minimum:
        return None
    return round(100 * events / sessions, 1)


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    category: str  # a CATEGORIES code, or "hidden" for what suppression leaves out


def bar(row: Row, width: float) -> list[Segment]:
    """The row as one stacked bar ``width`` long: each shown category by its share, what
    is suppressed as one hidden segment at the end. Empty for a suppressed row."""
    if row.total is None:
        return []
    segments: list[Segment] = []
    x = 0.0
    for category, cell in zip(CATEGORIES, row.cells, strict=True):
        if cell.count:
            length = width * cell.count / row.total
            segments.append(Segment(round(x, 2), round(length, 2), category))
            x += length
    if width - x > 0.005:
        segments.append(Segment(round(x, 2), round(width - x, 2), "hidden"))
    return segments


def count_row(label: str, counts: Sequence[int], *, minimum: int = MIN_CELL) -> Row:
    """A row of plain counts (retention by plan status), suppressed as above."""
    total = sum(counts)
    if total < minimum:
        return Row(label, None, tuple(Cell(None, None) for _ in counts))
    shown = suppress(counts, minimum=minimum)
    return Row(
        label,
        total,
        tuple(Cell(c, None if c is None else round(100 * c / total, 1)) for c in shown),
    )


def shown_count(count: int, *, minimum: int = MIN_CELL) -> int | None:
    """A count published on its own: None from 1 to ``minimum - 1``."""
    if count < 0:
        raise ValueError("Counts are never negative.")
    return None if 0 < count < minimum else count


@dataclass(frozen=True)
class MonthOfMonitoring:
    """One month's billable monitoring of medicine sessions, as counted: per code
    (0820T first clinician, +0821T second clinician, +0822T clinical staff) the units
    billed and how many of the month's sessions billed any."""

    month: dt.date
    """The first day of the month, on the practice's clock (the first dose's date)."""
    sessions: int
    units: tuple[int, ...]
    billed: tuple[int, ...]
    """Per code, in the order of ``units``: the sessions that billed it."""


@dataclass(frozen=True)
class MonitoringRow:
    """One month's monitoring as published: None where a figure is withheld."""

    month: dt.date
    sessions: int | None
    units: tuple[int | None, ...]

    @property
    def suppressed(self) -> bool:
        return self.sessions is None


def monitoring_rows(
    months: Sequence[MonthOfMonitoring], *, minimum: int = MIN_CELL
) -> list[MonitoringRow]:
    """The months as published, in the order given (see the module's docstring)."""
    sessions = suppress([m.sessions for m in months], minimum=minimum)
    rows = []
    for month, shown in zip(months, sessions, strict=True):
        if shown is None:
            units: tuple[int | None, ...] = tuple(None for _ in month.units)
        else:
            units = tuple(
                None if 0 < billed < minimum else count
                for count, billed in zip(month.units, month.billed, strict=True)
            )
        rows.append(MonitoringRow(month.month, shown, units))
    return rows
