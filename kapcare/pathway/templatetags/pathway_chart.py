"""The chart's medical panel: the latest screening and its findings, the clearance in
force, the dose orders.

It reaches the client through ``pathway.services`` (``people.access`` inside), so it is
checked and audited for the medical category on its own, in a fixed number of queries.
"""

from typing import Any

from django import template

from kapcare.core import clock
from kapcare.pathway import services
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Role

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
    summary = services.get_medical_summary(actor=actor, client_id=client.pk, today=clock.today())
    return {
        "summary": summary,
        "client": client,
        "may_write": actor.has_role(Role.MEDICAL_PROVIDER),
    }
