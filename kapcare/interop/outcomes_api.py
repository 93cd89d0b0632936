"""/api/v1/reports/outcomes: the practice outcomes page's figures as JSON (aggregates only,
small cells suppressed exactly as on the page and its CSV: a suppressed count is null)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router

from kapcare.core.api_errors import error_responses
from kapcare.core.api_schema import Schema
from kapcare.interop.access import read_practice_outcomes
from kapcare.interop.reports.outcomes import CATEGORIES, Row
from kapcare.interop.reports.practice import MONITORING_CODES, RETENTION
from kapcare.people.access import staff_actor

router = Router(tags=["reports"])


class OutcomeCellOut(Schema):
    category: str
    count: int | None
    share: float | None


class OutcomeRowOut(Schema):
    label: str
    total: int | None
    cells: list[OutcomeCellOut]


class InstrumentOutcomeOut(Schema):
    code: str
    name: str
    rows: list[OutcomeRowOut]


class MonitoringMonthOut(Schema):
    month: dt.date
    medicine_sessions: int | None
    units: dict[str, int | None]


class PracticeOutcomesOut(Schema):
    as_of: dt.datetime
    instruments: list[InstrumentOutcomeOut]
    retention: list[OutcomeRowOut]
    retention_categories: list[str]
    monitoring: list[MonitoringMonthOut]
    medicine_sessions: int | None
    safety_flags: int | None
    safety_rate: float | None
    adverse_events: int | None
    adverse_rate: float | None
    serious_events: int | None
    serious_rate: float | None
    held: int | None
    no_shows: int | None
    no_show_rate: float | None


def _row(row: Row, categories: tuple[str, ...]) -> OutcomeRowOut:
    return OutcomeRowOut(
        label=row.label,
        total=row.total,
        cells=[
            OutcomeCellOut(category=str(c), count=cell.count, share=cell.share)
            for c, cell in zip(categories, row.cells, strict=True)
        ],
    )


@router.get(
    "/reports/outcomes",
    response={200: PracticeOutcomesOut, **error_responses(401, 404)},
    url_name="practice_outcomes",
)
def get_practice_outcomes(request: HttpRequest) -> PracticeOutcomesOut:
    """The practice's outcomes (therapists and the privacy officer): per instrument the
    Jacobson-Truax change by format and by number of medicine sessions, retention by
    format, safety per 100 medicine sessions, no-shows, and 0820T/+0821T/+0822T units per
    month. Counts from 1 to 10 are null, and so is a month's count that would reveal one
    from the total (a month of fewer than 11 sessions, a code billed in fewer than 11 of
    a month's sessions). Audited as one read, as the page is."""
    o = read_practice_outcomes(staff_actor(request))
    changes = tuple(str(c) for c in CATEGORIES)
    retention = tuple(str(s) for s in RETENTION)
    return PracticeOutcomesOut(
        as_of=o.as_of,
        instruments=[
            InstrumentOutcomeOut(code=i.code, name=i.name, rows=[_row(r, changes) for r in i.rows])
            for i in o.instruments
        ],
        retention=[_row(r, retention) for r in o.retention],
        retention_categories=list(retention),
        monitoring=[
            MonitoringMonthOut(
                month=m.month,
                medicine_sessions=m.sessions,
                units=dict(zip(MONITORING_CODES, m.units, strict=True)),
            )
            for m in o.monitoring
        ],
        medicine_sessions=o.medicine_sessions,
        safety_flags=o.safety_flags,
        safety_rate=o.safety_rate,
        adverse_events=o.adverse_events,
        adverse_rate=o.adverse_rate,
        serious_events=o.serious_events,
        serious_rate=o.serious_rate,
        held=o.held,
        no_shows=o.no_shows,
        no_show_rate=o.no_show_rate,
    )
