"""The chart's medical panel: the latest screening and its findings, the clearance in
force, the dose orders; and the home page's plan reviews falling due.

It reaches the client through ``pathway.services`` (``people.access`` inside), so it is
checked and audited for the medical category on its own, in a fixed number of queries.
"""

from typing import Any

from django import template

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.pathway import goals, services
from kapcare.pathway.access import PLAN_WRITER_ROLES
from kapcare.pathway.models import TreatmentPlan
from kapcare.pathway.vocabulary import PlanStatus
from kapcare.people.access import Actor, visible_clients
from kapcare.people.models import Client
from kapcare.people.policy import Category, Role

register = template.Library()


def _actor(context: template.Context) -> Actor:
    actor = context.get("actor")
    if not isinstance(actor, Actor):
        raise template.TemplateSyntaxError("The chart panels need the request's actor.")
    return actor


@register.inclusion_tag("pathway/_medical_panel.html", takes_context=True)
def medical_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """Latest screening and its findings, the clearance in force, the dose orders."""
    actor = _actor(context)
    summary = services.get_medical_summary(
        actor=actor, client_id=client.pk, today=clock.today(), shared=True
    )
    return {
        "summary": summary,
        "client": client,
        "may_write": actor.has_role(Role.MEDICAL_PROVIDER),
    }


# The home page lists at most this many plans to review (the soonest first).
REVIEWS_SHOWN = 15


@register.inclusion_tag("pathway/_plan_reviews_due.html", takes_context=True)
def plan_reviews_due_panel(context: template.Context) -> dict[str, Any]:
    """The plans of the clinician's clients whose review falls due within two weeks or is
    overdue (each listed client's clinical data is read: audited)."""
    actor = context.get("actor")
    if not isinstance(actor, Actor) or actor.staff is None or not actor.roles & PLAN_WRITER_ROLES:
        return {"rows": []}
    today = clock.today()
    plans = list(
        TreatmentPlan.objects.filter(
            client__in=visible_clients(actor, Category.CLINICAL),
            review_due_on__lte=today + goals.DUE_SOON,
        )
        .exclude(status=PlanStatus.CLOSED.value)
        .select_related("client")
        .order_by("review_due_on", "id")[:REVIEWS_SHOWN]
    )
    if plans:
        record_events(
            source=actor.audit_source,
            action=AuditAction.READ,
            client_ids=sorted({p.client_id for p in plans}),
            category=Category.CLINICAL,
            detail="home:plan-reviews-due",
        )
    return {
        "rows": [
            (p, goals.review_due(p.review_due_on, today) == goals.ReviewDue.OVERDUE) for p in plans
        ]
    }
