"""The SUD and VOC of one EMDR target over its sessions, drawn by the measures' charting.

The target's assessment is the first point; each session adds its starting and ending
SUD and VOC (the end a minute after the start, so a session's drop reads as a steep
segment). Both scales share the chart's 0-10 axis.
"""

import datetime as dt
from collections.abc import Sequence

from kapcare.measures.charts import Chart, chart_for
from kapcare.measures.progress import Line, Series
from kapcare.notes.models import EmdrSession, EmdrTarget

__all__ = ["sud_voc_chart"]

_END = dt.timedelta(minutes=1)


def sud_voc_chart(target: EmdrTarget, sessions: Sequence[EmdrSession], *, zone: dt.tzinfo) -> Chart:
    sud = [(target.created_at, float(target.sud))]
    voc = [(target.created_at, float(target.voc))]
    for s in sorted(sessions, key=lambda s: (s.held_at, s.pk)):
        sud += [(s.held_at, float(s.sud_start)), (s.held_at + _END, float(s.sud_end))]
        voc += [(s.held_at, float(s.voc_start)), (s.held_at + _END, float(s.voc_end))]
    series = Series(
        code="EMDR",
        name="SUD and VOC",
        results=(),
        lines=(Line(name="SUD", points=tuple(sud)), Line(name="VOC", points=tuple(voc))),
        low=0.0,
        high=10.0,
        bands=(),
        change=None,
        change_note="",
    )
    return chart_for(series, medicine_sessions=(), zone=zone)
