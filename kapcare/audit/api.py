"""/api/v1/audit-events: the trail, for the privacy officer."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router

from kapcare.audit.access import audit_events_for
from kapcare.audit.export_access import verify_export
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.core.api_errors import LIST_ERRORS, READ_ERRORS
from kapcare.core.api_fields import Instant, Published, RecordId, Text
from kapcare.core.api_schema import Schema
from kapcare.core.pagination import Page, PageQuery, page_of
from kapcare.people.access import NotFound, actor_for_request, staff_actor

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
    category: Text | None = Field(
        None, max_length=30, description="Kind of data (demographics, clinical, ...)"
    )
    outcome: AuditOutcome | None = None
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
        category=filters.category,
        outcome=filters.outcome,
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


# A SHA-256 in hexadecimal (either case; answered in lower case).
_SHA256 = "^[0-9a-fA-F]{64}$"
Sha256 = Annotated[
    Text,
    Field(
        pattern=_SHA256,
        description="The SHA-256 of the PDF's exact bytes, 64 hexadecimal digits",
        examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    ),
    Published(pattern=_SHA256),
]


class ExportedDocumentOut(Schema):
    kind: str = Field(
        description="superbill, progress_report, medicine_record, audit_log, signed_consent"
    )
    kind_label: str
    exported_at: dt.datetime
    exported_by: int | None = Field(
        description="The staff member's user id; null for a client's own download"
    )
    exported_by_name: str | None
    by_client: bool = Field(description="Downloaded by the client, from the portal")
    client: int | None = Field(
        description="The client it is about: only when you may see their record (null otherwise)"
    )
    client_hidden: bool = Field(description="About a client whose record you may not see")
    size: int = Field(description="Bytes")
    audit_event: int = Field(description="Sequence number of the audit event that recorded it")


class ExportVerificationOut(Schema):
    sha256: str
    exported: bool = Field(
        description="Whether this practice exported a document with these exact bytes"
    )
    documents: list[ExportedDocumentOut]


@router.get(
    "/exports/verify/{sha256}",
    response={200: ExportVerificationOut, **READ_ERRORS},
    tags=["exports"],
)
def verify_exported_document(request: HttpRequest, sha256: Sha256) -> ExportVerificationOut:
    """Whether this practice exported a PDF with this SHA-256 (ONC 170.315(d)(8)); each
    PDF's SHA-256 is in its download's `X-Content-SHA256` header. Any staff member may ask;
    the client is named only to one who may see their record. Every lookup is audited."""
    actor = staff_actor(request)
    verification = verify_export(actor, sha256.lower(), detail="api:verify_export")
    return ExportVerificationOut(
        sha256=verification.sha256,
        exported=verification.exported,
        documents=[
            ExportedDocumentOut(
                kind=m.document.kind,
                kind_label=m.kind_label,
                exported_at=m.document.exported_at,
                exported_by=m.document.exported_by_id if m.exported_by else None,
                exported_by_name=m.exported_by,
                by_client=m.by_client,
                client=m.client.pk if m.client else None,
                client_hidden=m.client_hidden,
                size=m.document.size,
                audit_event=m.document.audit_seq,
            )
            for m in verification.matches
        ],
    )
