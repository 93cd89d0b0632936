"""Reading the audit trail: privacy officer only, and the reading is itself audited."""

import datetime as dt

from django.db.models import QuerySet

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.people import policy
from kapcare.people.access import Actor, NotFound
from kapcare.people.policy import Category


def audit_events_for(
    actor: Actor,
    *,
    client_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    detail: str,
) -> QuerySet[AuditEvent]:
    if not policy.may_read_audit_log(actor.roles):
        record_event(
            source=actor.audit_source,
            action=AuditAction.DENIED,
            outcome=AuditOutcome.DENIED,
            category=Category.AUDIT,
            detail=detail,
        )
        raise NotFound
    events = AuditEvent.objects.select_related("actor")
    if client_id is not None:
        events = events.filter(client_id=client_id)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    record_event(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_id=client_id,
        category=Category.AUDIT,
        detail=detail,
    )
    return events.order_by("-seq")
