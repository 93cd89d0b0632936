"""The home page's list of open safety flags: risk must never sit unseen.

Shown to whoever may see the safety data of a client (the care team), for the
clients they may see; every client listed is a read of its safety data, audited.
"""

from typing import Any

from django import template

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.measures.models import RiskFlag
from kapcare.people.access import Actor, visible_clients
from kapcare.people.policy import Category, may_review_risk_flags

register = template.Library()

# More than this many open flags is itself the message; the rest are one click away.
SHOWN = 20


@register.inclusion_tag("measures/_open_flags.html", takes_context=True)
def open_flags_panel(context: template.Context) -> dict[str, Any]:
    actor = context.get("actor")
    if not isinstance(actor, Actor) or actor.staff is None:
        return {"flags": [], "more": 0}
    open_flags = RiskFlag.objects.filter(
        reviewed_at__isnull=True, client__in=visible_clients(actor, Category.SAFETY)
    )
    shown = list(open_flags.select_related("client").order_by("raised_at", "id")[:SHOWN])
    if shown:
        record_events(
            source=actor.audit_source,
            action=AuditAction.READ,
            client_ids=sorted({f.client_id for f in shown}),
            category=Category.SAFETY,
            detail="home:open-flags",
        )
    return {
        "flags": shown,
        "more": open_flags.count() - len(shown) if shown else 0,
        "may_review": may_review_risk_flags(actor.roles),
    }
