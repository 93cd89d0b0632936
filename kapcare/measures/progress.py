"""One instrument's results over time, as the chart shows them (pure; no Django).

What is plotted: the total when the instrument has one, otherwise each subscale
(ECR-RS avoidance and anxiety, ITQ PTSD and DSO). Reliable change is measured on the
total from the first result (baseline) to the latest, by Jacobson & Truax with the
instrument's published parameters (``scoring.classify_change``).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kapcare.measures.definitions import Instrument
from kapcare.measures.scoring import ChangeResult, Number, classify_change, score_range

__all__ = ["Band", "Line", "Result", "Series", "build_series"]


@dataclass(frozen=True)
class Result:
    """One stored response's scores, as plain data."""

    response_id: int
    at: dt.datetime
    total: float | None
    severity: str | None
    subscales: Mapping[str, float]
    outcomes: Mapping[str, bool | str]
    flags: Sequence[str]


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    low: float
    high: float


@dataclass(frozen=True)
class Line:
    name: str  # "total" or a subscale's name
    points: tuple[tuple[dt.datetime, float], ...]


@dataclass(frozen=True)
class Series:
    code: str
    name: str
    results: tuple[Result, ...]  # oldest first
    lines: tuple[Line, ...]
    low: float
    high: float
    bands: tuple[Band, ...]
    change: ChangeResult | None
    change_note: str

    @property
    def latest(self) -> Result:
        return self.results[-1]

    @property
    def baseline(self) -> Result:
        return self.results[0]

    @property
    def plottable(self) -> bool:
        return any(line.points for line in self.lines)


def _bands(instrument: Instrument, low: float, high: float) -> tuple[Band, ...]:
    severity = instrument.scoring.severity
    if severity is None or severity.score != "total":
        return ()
    mins = [float(b.minimum) for b in severity.bands]
    result = []
    for index, band in enumerate(severity.bands):
        start = low if index == 0 else mins[index]
        end = mins[index + 1] if index + 1 < len(mins) else high
        result.append(Band(code=band.code, label=band.label, low=start, high=end))
    return tuple(result)


def _change(instrument: Instrument, results: Sequence[Result]) -> tuple[ChangeResult | None, str]:
    if instrument.change is None:
        return None, instrument.change_note or "No reliable-change parameters for this measure."
    totals = [r.total for r in results if r.total is not None]
    if len(totals) < 2:
        return None, "Reliable change needs a baseline and at least one later result."
    pre: Number = totals[0]
    post: Number = totals[-1]
    return classify_change(pre, post, instrument.change.parameters), ""


def build_series(instrument: Instrument, results: Sequence[Result]) -> Series:
    """The chart data for ``results`` (any order; at least one) of ``instrument``."""
    ordered = tuple(sorted(results, key=lambda r: (r.at, r.response_id)))
    spec = instrument.scoring
    names = ["total"] if spec.total is not None else [s.name for s in spec.subscales]
    lines = []
    lows, highs = [], []
    for name in names:
        low, high = score_range(spec, name)
        lows.append(float(low))
        highs.append(float(high))
        points = tuple(
            (r.at, value)
            for r in ordered
            if (value := (r.total if name == "total" else r.subscales.get(name))) is not None
        )
        lines.append(Line(name=name, points=points))
    low = min(lows, default=0.0)
    high = max(highs, default=1.0)
    change, note = _change(instrument, ordered)
    return Series(
        code=instrument.code,
        name=instrument.name,
        results=ordered,
        lines=tuple(lines),
        low=low,
        high=high,
        bands=_bands(instrument, low, high),
        change=change,
        change_note=note,
    )
