"""Geometry of a server-rendered SVG chart of one series (pure; no Django).

The template draws what this computes: severity bands as rectangles, one polyline
and its dots per line, medicine sessions as dashed vertical markers, and the axes.
Coordinates are in the SVG's own units (a fixed ``viewBox``; CSS scales it).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kapcare.measures.progress import Series

__all__ = ["Chart", "chart_for"]

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 36
# A lone result sits in the middle of a fortnight either side, not on the edge.
PAD = dt.timedelta(days=14)


@dataclass(frozen=True)
class Rect:
    y: float
    height: float
    code: str
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: float
    at: dt.datetime


@dataclass(frozen=True)
class Polyline:
    name: str
    index: int  # for its CSS class (line-0, line-1)
    points: str
    dots: tuple[Dot, ...]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    at: dt.datetime


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    bands: tuple[Rect, ...]
    lines: tuple[Polyline, ...]
    markers: tuple[Marker, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


def _fmt(value: float) -> str:
    return f"{value:g}"


def _y_ticks(low: float, high: float) -> list[float]:
    span = high - low
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if span / step <= 5:
            break
    first = low if low % step == 0 else low + (step - low % step)
    ticks = []
    value = first
    while value <= high + 1e-9:
        ticks.append(value)
        value += step
    return ticks


def chart_for(
    series: Series,
    *,
    medicine_sessions: Sequence[dt.datetime],
    zone: dt.tzinfo,
    now: dt.datetime | None = None,
) -> Chart:
    """The chart of ``series`` with the medicine sessions that fall in its time span.

    The span runs from the first result to the last, or on to the latest medicine
    session up to ``now`` (a session after the last result is what the next one shows
    change from).
    """
    times = [at for line in series.lines for at, _ in line.points]
    start, end = min(times), max(times)
    past = [at for at in medicine_sessions if start <= at and (now is None or at <= now)]
    end = max([end, *past])
    if end - start < PAD:
        start, end = start - PAD, end + PAD
    span = (end - start).total_seconds()
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_w, plot_h = right - LEFT, bottom - TOP
    value_span = (series.high - series.low) or 1.0

    def x(at: dt.datetime) -> float:
        return round(LEFT + (at - start).total_seconds() / span * plot_w, 1)

    def y(value: float) -> float:
        clamped = min(max(value, series.low), series.high)
        return round(bottom - (clamped - series.low) / value_span * plot_h, 1)

    bands = tuple(
        Rect(y=y(b.high), height=round(y(b.low) - y(b.high), 1), code=b.code, label=b.label)
        for b in series.bands
    )
    lines = []
    for index, line in enumerate(series.lines):
        dots = tuple(Dot(x=x(at), y=y(v), value=v, at=at) for at, v in line.points)
        lines.append(
            Polyline(
                name=line.name,
                index=index,
                points=" ".join(f"{d.x:g},{d.y:g}" for d in dots),
                dots=dots,
            )
        )
    markers = tuple(
        Marker(x=x(at), at=at) for at in sorted(medicine_sessions) if start <= at <= end
    )
    first_day, last_day = start.astimezone(zone).date(), end.astimezone(zone).date()
    middle = start + (end - start) / 2
    x_ticks = tuple(
        Tick(position=x(at), label=at.astimezone(zone).strftime("%-d %b %Y"))
        for at in ((start, middle, end) if first_day != last_day else (start,))
    )
    y_ticks = tuple(Tick(position=y(v), label=_fmt(v)) for v in _y_ticks(series.low, series.high))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        bands=bands,
        lines=tuple(lines),
        markers=markers,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )
