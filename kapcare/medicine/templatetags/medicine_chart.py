"""The chart's medicine panel: the client's medicine sessions and serious adverse events.

The panel reaches the client through ``medicine.services`` (``people.access`` inside),
so it is checked and audited for its own category, in a fixed number of queries.
"""

from typing import Any

from django import template

from kapcare.medicine import services
from kapcare.people.access import Actor
from kapcare.people.models import Client

register = template.Library()


def _actor(context: template.Context) -> Actor:
    actor = context.get("actor")
    if not isinstance(actor, Actor):
        raise template.TemplateSyntaxError("The chart panels need the request's actor.")
    return actor


@register.inclusion_tag("medicine/_medicine_panel.html", takes_context=True)
def medicine_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """The client's medicine sessions with their record's state, and serious events."""
    actor = _actor(context)
    rows, serious = services.list_medicine_sessions(actor=actor, client_id=client.pk)
    return {"rows": rows, "serious": serious, "client": client}
