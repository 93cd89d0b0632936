"""Each instrument of one client as the chart shows it: the series, its SVG geometry and
reliable change. Used by the chart's measures panel and by the progress report, so both
show the same figures. Two queries however long the history (responses, sessions)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kapcare.measures import access
from kapcare.measures.charts import Chart, chart_for
from kapcare.measures.definitions import Instrument
from kapcare.measures.models import MeasureResponse
from kapcare.measures.progress import Result, Series, build_series
from kapcare.measures.registry import list_instruments
from kapcare.measures.scoring import ChangeResult
from kapcare.scheduling.vocabulary import AppointmentKind

__all__ = ["CHANGE_LABELS", "PANEL_ORDER", "Panel", "measure_panels", "result_of"]

# The order clinicians read them in (DESIGN.md's baseline set first); others follow by code.
PANEL_ORDER = ("PHQ-9", "GAD-7", "PCL-5", "DES-II", "ECR-RS", "ITQ", "ASQ", "SUD", "VOC")
CHANGE_LABELS = {
    "recovered": "Recovered",
    "improved": "Improved",
    "unchanged": "Unchanged",
    "deteriorated": "Deteriorated",
}


@dataclass(frozen=True)
class Panel:
    """One instrument on the chart."""

    series: Series
    chart: Chart | None
    change: ChangeResult | None
    change_label: str

    @property
    def slug(self) -> str:
        return self.series.code.lower()


def result_of(response: MeasureResponse) -> Result:
    return Result(
        response_id=response.pk,
        at=response.completed_at,
        total=float(response.total) if response.total is not None else None,
        severity=response.severity or None,
        subscales={k: float(v) for k, v in response.subscales.items()},
        outcomes=dict(response.outcomes),
        flags=list(response.flags),
    )


def measure_panels(
    client_id: int,
    *,
    now: dt.datetime,
    zone: dt.tzinfo,
    instruments: Sequence[Instrument] | None = None,
    responses: Sequence[MeasureResponse] | None = None,
    sessions: list[dt.datetime] | None = None,
) -> tuple[list[Panel], list[dt.datetime]]:
    """The client's panels in clinical order, and their medicine sessions' starts
    (``instruments``, ``responses`` oldest first, ``sessions``: what the caller has read
    already; the chart shares them between its panels).

    The caller has checked (and audited) the client's ``clinical`` category."""
    by_instrument = {
        i.code: i for i in (list_instruments() if instruments is None else instruments)
    }
    by_code: dict[str, list[Result]] = defaultdict(list)
    if responses is None:
        responses = list(
            MeasureResponse.objects.filter(client_id=client_id).order_by("completed_at", "id")
        )
    for response in responses:
        by_code[response.instrument_code].append(result_of(response))
    if sessions is None:
        sessions = access.session_starts(client_id, AppointmentKind.MEDICINE)
    panels = []
    order = {code: index for index, code in enumerate(PANEL_ORDER)}
    for code in sorted(by_code, key=lambda c: (order.get(c, len(order)), c)):
        instrument = by_instrument.get(code)
        if instrument is None:
            continue
        series = build_series(instrument, by_code[code])
        chart = (
            chart_for(series, medicine_sessions=sessions, zone=zone, now=now)
            if series.plottable
            else None
        )
        panels.append(
            Panel(
                series=series,
                chart=chart,
                change=series.change,
                change_label=CHANGE_LABELS[series.change.category] if series.change else "",
            )
        )
    return panels, sessions
