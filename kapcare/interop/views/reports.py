"""Reports: a client's progress report (the page, and the PDF from the same HTML via
WeasyPrint; the page audited as a read of each category it shows, the PDF as a print of
each) and the practice's outcomes page (with its monthly monitoring as CSV)."""

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from kapcare.audit.exports import DocumentKind, pdf_response
from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core import clock
from kapcare.interop.access import read_practice_outcomes
from kapcare.interop.reports.outcomes import CATEGORIES, MIN_CELL, bar
from kapcare.interop.reports.practice import MONITORING_CODES
from kapcare.interop.reports.progress import REPORT_CATEGORIES, progress_report
from kapcare.measures.panels import CHANGE_LABELS
from kapcare.people.access import one_page_view, staff_actor
from kapcare.people.policy import Category

TEMPLATE = "interop/progress_report.html"
# The outcomes chart's geometry (SVG units): a label column, then one bar per row.
BAR_LEFT, BAR_WIDTH, ROW_HEIGHT = 230, 400, 26


@require_GET
def progress_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    with one_page_view(actor):
        report = progress_report(
            actor, client_id, now=clock.now(), zone=timezone.get_current_timezone(),
            detail="progress-report",
        )  # fmt: skip
        return render(request, TEMPLATE, {"report": report, "client": report.client})


@require_GET
def progress_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    report = progress_report(
        actor, client_id, now=clock.now(), zone=timezone.get_current_timezone(),
        detail="progress-report:pdf", action=AuditAction.PRINT,
    )  # fmt: skip
    for category in REPORT_CATEGORIES:
        record_event(
            source=actor.audit_source,
            action=AuditAction.PRINT,
            client_id=report.client.pk,
            category=category,
            detail="progress-report:pdf",
        )
    html = render_to_string(
        TEMPLATE, {"report": report, "client": report.client, "pdf": True}, request
    )
    return pdf_response(
        html,
        kind=DocumentKind.PROGRESS_REPORT,
        source=actor.audit_source,
        practice_id=actor.practice_id,
        client_id=report.client.pk,
        category=Category.CLINICAL,
        filename=f"progress-report-{report.client.pk}-{report.prepared_on}.pdf",
    )


@require_GET
def outcomes_page(request: HttpRequest) -> HttpResponse:
    """The practice's outcomes: aggregates only, small cells suppressed (therapists and
    the privacy officer). Audited as one read of the practice's clinical aggregates."""
    outcomes = read_practice_outcomes(staff_actor(request))
    charts = [
        {
            "item": item,
            "height": len(item.rows) * ROW_HEIGHT,
            "rows": [
                {"row": row, "y": i * ROW_HEIGHT, "segments": bar(row, BAR_WIDTH)}
                for i, row in enumerate(item.rows)
            ],
        }
        for item in outcomes.instruments
    ]
    return render(
        request,
        "interop/outcomes.html",
        {
            "outcomes": outcomes,
            "charts": charts,
            "categories": [(c, CHANGE_LABELS[c]) for c in CATEGORIES],
            "bar_left": BAR_LEFT,
            "chart_width": BAR_LEFT + BAR_WIDTH,
            "min_cell": MIN_CELL,
        },
    )


MONITORING_CSV_HEADER = ["month", "medicine_sessions", *(f"{c}_units" for c in MONITORING_CODES)]


@require_GET
def outcomes_monitoring_csv(request: HttpRequest) -> HttpResponse:
    """The outcomes page's monitoring months as CSV, suppressed as on the page (a hidden
    month reads "fewer than 11", a hidden code "not shown"; never a blank, which a
    spreadsheet would add up as zero). Audited as an export of the practice's figures."""
    outcomes = read_practice_outcomes(
        staff_actor(request), action=AuditAction.EXPORT, detail="outcomes:monitoring-csv"
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MONITORING_CSV_HEADER)
    hidden_month, hidden_code = f"fewer than {MIN_CELL}", "not shown"
    for m in outcomes.monitoring:
        writer.writerow(
            [
                m.month.strftime("%Y-%m"),
                hidden_month if m.sessions is None else m.sessions,
                *(
                    (hidden_month if m.suppressed else hidden_code) if u is None else u
                    for u in m.units
                ),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="monitoring-per-month.csv"'
    return response
