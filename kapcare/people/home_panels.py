"""A staff home page's panels of things waiting (open risk flags, portal notices, mail
that could not be sent): the first few, their clients' read audited as one event, and
how many more wait.

More than a panel's worth is itself the message, so a panel shows the oldest few and a
count; the rest are one click away on their own page.
"""

from typing import TypeVar

from django.db.models import Model, QuerySet

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.people.access import Actor
from kapcare.people.policy import Category

__all__ = ["SHOWN", "first_waiting"]

SHOWN = 20
Row = TypeVar("Row", bound=Model)


def first_waiting(
    actor: Actor, waiting: QuerySet[Row], *, category: Category, detail: str, limit: int = SHOWN
) -> tuple[list[Row], int]:
    """The first ``limit`` of ``waiting`` (ordered by the caller, each row with a
    ``client_id``) and how many more there are; reading them is one audit event."""
    shown = list(waiting[:limit])
    if not shown:
        return [], 0
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=sorted({row.client_id for row in shown}),  # type: ignore[attr-defined]
        category=category,
        detail=detail,
    )
    return shown, waiting.count() - len(shown)
