"""The home page's list of open safety flags: risk must never sit unseen.

Shown to whoever may see the safety data of a client (the care team), for the
clients they may see; every client listed is a read of its safety data, audited.
"""

from typing import Any

from django import template

from kapcare.measures.models import RiskFlag
from kapcare.people.access import Actor, visible_clients
from kapcare.people.home_panels import first_waiting
from kapcare.people.policy import Category, may_review_risk_flags

register = template.Library()


@register.inclusion_tag("measures/_open_flags.html", takes_context=True)
def open_flags_panel(context: template.Context) -> dict[str, Any]:
    actor = context.get("actor")
    if not isinstance(actor, Actor) or actor.staff is None:
        return {"flags": [], "more": 0}
    open_flags = RiskFlag.objects.filter(
        reviewed_at__isnull=True, client__in=visible_clients(actor, Category.SAFETY)
    )
    flags, more = first_waiting(
        actor,
        open_flags.select_related("client").order_by("raised_at", "id"),
        category=Category.SAFETY,
        detail="home:open-flags",
    )
    return {
        "flags": flags,
        "more": more,
        "may_review": may_review_risk_flags(actor.roles),
    }
