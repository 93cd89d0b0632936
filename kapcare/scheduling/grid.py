"""The calendar's time grid as a table: a row per 15 minutes, a column per clinician, room or
day, and a block per appointment spanning its rows.

Pure (no Django): the view passes columns and placed items, this lays them out. The page
is a real ``<table>`` with ``rowspan`` (no inline styles, which the content security
policy forbids, and a layout screen readers can walk). Two appointments that overlap in
one column (a clinician double-booked by an override, a whole practice's week) sit in
lanes side by side: the column's heading spans its lanes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["STEP_MINUTES", "Column", "Empty", "Grid", "Item", "Placed", "Row", "lay_out"]

STEP_MINUTES = 15
DAY_FIRST_MINUTE = 7 * 60
"""The grid shows 07:00 to 21:00 unless an appointment lies outside."""
DAY_LAST_MINUTE = 21 * 60

K = TypeVar("K")
T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[K]):
    key: K
    label: str


@dataclass(frozen=True)
class Item(Generic[K, T]):
    """One appointment placed in a column, in minutes from that column's midnight."""

    column: K
    start_minute: int
    end_minute: int
    payload: T


@dataclass(frozen=True)
class Placed(Generic[T]):
    """A block: the cell where an appointment starts, spanning ``rows`` rows."""

    payload: T
    rows: int
    column_index: int


@dataclass(frozen=True)
class Empty:
    """A free cell: the page offers to book there."""

    column_index: int
    minute: int


@dataclass(frozen=True)
class Row(Generic[T]):
    minute: int
    cells: list["Placed[T] | Empty"]

    @property
    def label(self) -> str:
        return f"{self.minute // 60:02d}:{self.minute % 60:02d}"

    @property
    def on_the_hour(self) -> bool:
        return self.minute % 60 == 0


@dataclass(frozen=True)
class HeadColumn(Generic[K]):
    column: Column[K]
    lanes: int


@dataclass(frozen=True)
class Grid(Generic[K, T]):
    columns: list[HeadColumn[K]]
    rows: list[Row[T]] = field(default_factory=list)

    @property
    def first_minute(self) -> int:
        return self.rows[0].minute if self.rows else 0


def _snap(item: Item[K, T]) -> tuple[int, int]:
    """Start down and end up to the grid's step; every block is at least one row."""
    start = item.start_minute - item.start_minute % STEP_MINUTES
    end = -(-item.end_minute // STEP_MINUTES) * STEP_MINUTES
    return start, max(end, start + STEP_MINUTES)


def _lanes(items: Sequence[Item[K, T]]) -> list[list[tuple[int, int, Item[K, T]]]]:
    """Greedy interval partitioning: each item in the first lane free at its start."""
    lanes: list[list[tuple[int, int, Item[K, T]]]] = []
    for item in sorted(items, key=lambda i: (_snap(i), i.end_minute)):
        start, end = _snap(item)
        for lane in lanes:
            if lane[-1][1] <= start:
                lane.append((start, end, item))
                break
        else:
            lanes.append([(start, end, item)])
    return lanes


def lay_out(columns: Sequence[Column[K]], items: Iterable[Item[K, T]]) -> Grid[K, T]:
    """The grid of ``columns`` over 07:00 to 21:00 (wider when an item lies outside).

    Items in no listed column are left out; items are clipped to the day (0 to 1440).
    """
    keys = {c.key: n for n, c in enumerate(columns)}
    by_column: dict[int, list[Item[K, T]]] = {n: [] for n in range(len(columns))}
    first, last = DAY_FIRST_MINUTE, DAY_LAST_MINUTE
    for item in items:
        if item.column not in keys:
            continue
        clipped = Item(
            item.column,
            max(0, min(item.start_minute, 24 * 60 - 1)),
            max(1, min(item.end_minute, 24 * 60)),
            item.payload,
        )
        start, end = _snap(clipped)
        first, last = min(first, start), max(last, end)
        by_column[keys[item.column]].append(clipped)
    lanes_of = {n: _lanes(by_column[n]) or [[]] for n in by_column}
    starts: dict[tuple[int, int, int], tuple[int, Item[K, T]]] = {}
    covered: set[tuple[int, int, int]] = set()
    for n, lanes in lanes_of.items():
        for lane_index, lane in enumerate(lanes):
            for start, end, item in lane:
                starts[(n, lane_index, start)] = ((end - start) // STEP_MINUTES, item)
                for minute in range(start + STEP_MINUTES, end, STEP_MINUTES):
                    covered.add((n, lane_index, minute))
    rows: list[Row[T]] = []
    for minute in range(first, last, STEP_MINUTES):
        cells: list[Placed[T] | Empty] = []
        for n in range(len(columns)):
            for lane_index in range(len(lanes_of[n])):
                here = (n, lane_index, minute)
                if here in starts:
                    span, item = starts[here]
                    cells.append(Placed(item.payload, span, n))
                elif here not in covered:
                    cells.append(Empty(n, minute))
        rows.append(Row(minute, cells))
    return Grid([HeadColumn(c, len(lanes_of[n])) for n, c in enumerate(columns)], rows)
