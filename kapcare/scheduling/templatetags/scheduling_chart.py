"""The chart's scheduling panels: the pathway at a glance and the sessions.

Each panel reaches the client through ``people.access`` for its own category (so it is
checked and audited on its own), loads what it shows in a fixed number of queries and
asks the pure rules (``rules.medicine_readiness``) what is still missing.
"""

from typing import Any

from django import template

from kapcare.core import clock
from kapcare.pathway.facts import client_pathway
from kapcare.pathway.goals import review_due
from kapcare.pathway.models import Diagnosis
from kapcare.pathway.vocabulary import (
    CONSENT_LABELS,
    FORMAT_LABELS,
    PLAN_STATUS_LABELS,
    ConsentKind,
    PlanFormat,
    PlanStatus,
)
from kapcare.people.access import Actor, access_client, may_access
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.scheduling import rules
from kapcare.scheduling.page_facts import appointments_of, pathway_of, policy_of, zone_of_practice
from kapcare.scheduling.views.calendar import AppointmentRow
from kapcare.scheduling.vocabulary import AppointmentStatus, Rule

register = template.Library()

# Short names of the readiness items, in the order medicine_readiness gives them.
READINESS_LABELS: dict[str, str] = {
    Rule.PLAN_REQUIRED: "Treatment plan",
    Rule.PLAN_PAUSED: "Treatment plan",
    Rule.MEDICINE_REQUIRES_CONSENT: "KAP informed consent",
    Rule.MEDICINE_REQUIRES_CLEARANCE: "Medical clearance",
    Rule.MEDICINE_DOSE_ORDER_REQUIRED: "Dose order",
    Rule.MEDICINE_REQUIRES_PREPARATION: "Preparation",
    Rule.SAFETY_UNREVIEWED_RISK_FLAG: "Risk flags",
    Rule.MEDICINE_MIN_SPACING: "Spacing between medicine sessions",
    Rule.MEDICINE_REQUIRES_INTEGRATION: "Integration",
}


def _actor(context: template.Context) -> Actor:
    actor = context.get("actor")
    if not isinstance(actor, Actor):
        raise template.TemplateSyntaxError("The chart panels need the request's actor.")
    return actor


@register.inclusion_tag("scheduling/_plan_panel.html", takes_context=True)
def plan_panel(context: template.Context, client: Client) -> dict[str, Any]:
    actor = _actor(context)
    access_client(actor, client.pk, Category.CLINICAL, detail="chart:plan")
    rows = client_pathway(actor, client.pk)  # shared with the medical panel
    plan, consents = rows.plan, rows.consents
    diagnoses = list(
        Diagnosis.objects.filter(client=client, resolved_on__isnull=True).order_by("noted_on", "id")
    )
    pathway = pathway_of(actor, client.pk)
    # The practice's own policy, so the chart says what booking will say.
    policy = policy_of(actor, client.practice_id)
    readiness = rules.medicine_readiness(
        pathway=pathway, now=clock.now(), time_zone=policy.time_zone.value, policy=policy
    )
    sees_medical = may_access(actor, client.pk, Category.MEDICAL)
    clearance = max(pathway.clearances, key=lambda c: c.recorded_at, default=None)
    return {
        "client": client,
        "plan": plan,
        "plan_format": FORMAT_LABELS[PlanFormat(plan.format)] if plan else "",
        "plan_status": PLAN_STATUS_LABELS[PlanStatus(plan.status)] if plan else "",
        "consents": [(c, CONSENT_LABELS[ConsentKind(c.kind)]) for c in consents],
        "diagnoses": diagnoses,
        "review_due": review_due(plan.review_due_on, clock.today()).value if plan else "",
        "readiness": [(READINESS_LABELS.get(i.rule, i.rule), i) for i in readiness],
        "missing": sum(1 for i in readiness if not i.ok),
        "clearance": clearance if sees_medical else None,
        "clearance_label": (
            clearance.status.value.replace("_", " ").capitalize() if clearance else ""
        ),
        "dose_orders": pathway.dose_orders if sees_medical else (),
        "sees_medical": sees_medical,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.inclusion_tag("scheduling/_sessions_panel.html", takes_context=True)
def sessions_panel(context: template.Context, client: Client) -> dict[str, Any]:
    actor = _actor(context)
    access_client(actor, client.pk, Category.SCHEDULE, detail="chart:sessions")
    appointments = appointments_of(actor, client.pk)  # shared with the plan panel
    now = clock.now()
    zone = zone_of_practice(actor, client.practice_id)
    rows = [AppointmentRow.of(a, visible=True, default_zone=zone) for a in appointments]
    upcoming = [r for r in rows if r.appointment.end > now and r.booked]
    past = [r for r in rows if r not in upcoming]
    past.reverse()
    return {
        "client": client,
        "upcoming": upcoming,
        "past": past,
        "booked": AppointmentStatus.BOOKED.value,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
