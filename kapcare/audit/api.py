"""/api/v1/audit-events: the trail, for the privacy officer."""

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kapcare.audit.access import audit_events_for
from kapcare.audit.models import AuditAction
from kapcare.core.api_errors import LIST_ERRORS
from kapcare.core.api_fields import Instant, RecordId
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.people.access import NotFound, actor_for_request

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    at: dt.datetime
    actor: int | None
    actor_email: str | None
    client: int | None
    action: str
    category: str
    outcome: str
    source_ip: str | None
    detail: str
    hash: str


class AuditFilter(PageQuery):
    client: RecordId | None = None
    actor: RecordId | None = None
    action: AuditAction | None = None
    since: Instant | None = None
    until: Instant | None = None


@router.get("/audit-events", response={200: Page[AuditEventOut], **LIST_ERRORS})
def list_audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> dict[str, object]:
    """Newest first. Only the privacy officer may read the trail; reading it is audited."""
    actor = actor_for_request(request)
    if actor is None:
        raise NotFound
    events = audit_events_for(
        actor,
        client_id=filters.client,
        actor_id=filters.actor,
        action=filters.action,
        since=filters.since,
        until=filters.until,
        detail="api:list_audit_events",
    )
    items, count = page_of(events, filters)
    return {
        "items": [
            AuditEventOut(
                seq=e.seq,
                at=e.at,
                actor=e.actor_id,
                actor_email=e.actor.email if e.actor else None,
                client=e.client_id,
                action=e.action,
                category=e.category,
                outcome=e.outcome,
                source_ip=e.source_ip,
                detail=e.detail,
                hash=e.hash,
            )
            for e in items
        ],
        "count": count,
    }
