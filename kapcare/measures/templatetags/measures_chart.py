"""The chart's measures and safety panels.

Each panel reaches the client through ``people.access`` for its own category
(measures: clinical; flags: safety), so each is checked and audited on its own,
and loads what it shows in a fixed number of queries however long the history.
"""

from typing import Any

from django import template
from django.utils import timezone

from kapcare.core import clock
from kapcare.measures import access
from kapcare.measures.flags import client_risk_flags
from kapcare.measures.models import CompletionLink, MeasureAssignment, MeasureResponse
from kapcare.measures.panels import measure_panels
from kapcare.measures.registry import list_instruments
from kapcare.people.access import Actor, access_client
from kapcare.people.models import Client
from kapcare.people.policy import Category, may_review_risk_flags
from kapcare.scheduling.page_facts import appointments_of
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

register = template.Library()

# Reviewed flags shown under the open ones, newest first.
RECENT_REVIEWED = 5


def _actor(context: template.Context) -> Actor:
    actor = context.get("actor")
    if not isinstance(actor, Actor):
        raise template.TemplateSyntaxError("The chart panels need the request's actor.")
    return actor


@register.filter
def spaced(name: object) -> str:
    """A code name as words: ``probable_ptsd`` → ``probable ptsd``."""
    return str(name).replace("_", " ")


@register.inclusion_tag("measures/_measures_panel.html", takes_context=True)
def measures_panel(context: template.Context, client: Client) -> dict[str, Any]:
    actor = _actor(context)
    access_client(actor, client.pk, Category.CLINICAL, detail="chart:measures")
    now = clock.now()
    instruments = list_instruments()
    # The appointments the sessions panel shows, read once for the page.
    held = [
        a
        for a in appointments_of(actor, client.pk)
        if a.status != AppointmentStatus.CANCELLED.value
    ]
    responses = list(MeasureResponse.objects.filter(client=client).order_by("completed_at", "id"))
    panels, sessions = measure_panels(
        client.pk,
        now=now,
        zone=timezone.get_current_timezone(),
        instruments=instruments,
        responses=responses,
        sessions=[a.start for a in held if a.kind == AppointmentKind.MEDICINE.value],
    )
    assignments = access.assignment_statuses(
        client.pk,
        list(
            MeasureAssignment.objects.filter(client=client, ended_at__isnull=True).order_by(
                "instrument_code", "id"
            )
        ),
        now=now,
        sessions=[(a.kind, a.start) for a in held],
        responses=[(r.instrument_code, r.completed_at) for r in responses],
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
        "instruments": instruments,
        "medicine_count": len(sessions),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.inclusion_tag("measures/_safety_panel.html", takes_context=True)
def safety_panel(context: template.Context, client: Client) -> dict[str, Any]:
    actor = _actor(context)
    access_client(actor, client.pk, Category.SAFETY, detail="chart:safety")
    flags = client_risk_flags(actor, client.pk)
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
