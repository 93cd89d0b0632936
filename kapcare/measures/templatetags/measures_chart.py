"""The chart's measures and safety panels.

Each panel reaches the client through ``people.access`` for its own category
(measures: clinical; flags: safety), so each is checked and audited on its own,
and loads what it shows in a fixed number of queries however long the history.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from kapcare.core import clock
from kapcare.measures import access
from kapcare.measures.charts import Chart, chart_for
from kapcare.measures.forms import LinkForm
from kapcare.measures.models import CompletionLink, MeasureAssignment, MeasureResponse, RiskFlag
from kapcare.measures.progress import Result, Series, build_series
from kapcare.measures.registry import list_instruments
from kapcare.measures.scoring import ChangeResult
from kapcare.people.access import Actor, access_client
from kapcare.people.models import Client
from kapcare.people.policy import Category, may_review_risk_flags
from kapcare.scheduling.vocabulary import AppointmentKind

register = template.Library()

# Reviewed flags shown under the open ones, newest first.
RECENT_REVIEWED = 5
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


def _actor(context: template.Context) -> Actor:
    actor = context.get("actor")
    if not isinstance(actor, Actor):
        raise template.TemplateSyntaxError("The chart panels need the request's actor.")
    return actor


def _result(response: MeasureResponse) -> Result:
    return Result(
        response_id=response.pk,
        at=response.completed_at,
        total=float(response.total) if response.total is not None else None,
        severity=response.severity or None,
        subscales={k: float(v) for k, v in response.subscales.items()},
        outcomes=dict(response.outcomes),
        flags=list(response.flags),
    )


@register.filter
def spaced(name: object) -> str:
    """A code name as words: ``probable_ptsd`` → ``probable ptsd``."""
    return str(name).replace("_", " ")


@register.inclusion_tag("measures/_measures_panel.html", takes_context=True)
def measures_panel(context: template.Context, client: Client) -> dict[str, Any]:
    actor = _actor(context)
    access_client(actor, client.pk, Category.CLINICAL, detail="chart:measures")
    now = clock.now()
    instruments = {i.code: i for i in list_instruments()}
    by_code: dict[str, list[Result]] = defaultdict(list)
    for response in MeasureResponse.objects.filter(client=client).order_by("completed_at", "id"):
        by_code[response.instrument_code].append(_result(response))
    sessions = access.session_starts(client.pk, AppointmentKind.MEDICINE)
    zone = timezone.get_current_timezone()
    panels = []
    order = {code: index for index, code in enumerate(PANEL_ORDER)}
    for code in sorted(by_code, key=lambda c: (order.get(c, len(order)), c)):
        instrument = instruments.get(code)
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
    assignments = access.assignment_statuses(
        client.pk,
        list(
            MeasureAssignment.objects.filter(client=client, ended_at__isnull=True).order_by(
                "instrument_code", "id"
            )
        ),
        now=now,
    )
    waiting = list(
        CompletionLink.objects.filter(
            client=client, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).order_by("expires_at", "id")
    )
    return {
        "client": client,
        "panels": panels,
        "waiting_links": waiting,
        "assignments": assignments,
        "instruments": list(instruments.values()),
        "link_form": LinkForm(auto_id="link_%s"),
        "medicine_count": len(sessions),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.inclusion_tag("measures/_safety_panel.html", takes_context=True)
def safety_panel(context: template.Context, client: Client) -> dict[str, Any]:
    actor = _actor(context)
    access_client(actor, client.pk, Category.SAFETY, detail="chart:safety")
    flags = list(
        RiskFlag.objects.filter(client=client)
        .select_related("response", "reviewed_by__user")
        .order_by("-raised_at", "-id")
    )
    open_flags = [f for f in flags if f.reviewed_at is None]
    reviewed = [f for f in flags if f.reviewed_at is not None][:RECENT_REVIEWED]
    return {
        "client": client,
        "open_flags": open_flags,
        "reviewed": reviewed,
        "may_review": may_review_risk_flags(actor.roles),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
