"""The practice's consent documents: each change is a new version, never an edit.

A signature names the version it signed and its SHA-256, so a published version is
never changed; the latest version of each kind is the one clients are offered.
"""

import datetime as dt

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.core.errors import FieldError
from kapcare.pathway.documents import document_digest
from kapcare.pathway.models import ConsentDocument
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.access import Actor, refuse_change, staff_of
from kapcare.people.models import Practice, StaffMember
from kapcare.people.policy import Category, may_edit_practice_documents

__all__ = ["publish_consent_document", "publish_practice_consent_document"]

TITLE_MAX = 200
BODY_MAX = 50_000


def publish_consent_document(
    *, actor: Actor, kind: ConsentKind, title: str, body: str, now: dt.datetime
) -> ConsentDocument:
    """A new version of one of the practice's consent documents (practice admin, clinicians)."""
    staff = staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    if not may_edit_practice_documents(actor.roles):
        raise refuse_change(
            actor, client_id=None, category=Category.CLINICAL, detail="consent-document"
        )
    return publish_practice_consent_document(
        practice=staff.practice,
        kind=kind,
        title=title,
        body=body,
        now=now,
        published_by=staff,
        source=actor.audit_source,
    )


def publish_practice_consent_document(
    *,
    practice: Practice,
    kind: ConsentKind,
    title: str,
    body: str,
    now: dt.datetime,
    published_by: StaffMember | None,
    source: AuditSource,
) -> ConsentDocument:
    """The next version of the practice's ``kind`` document (the demo publishes as nobody)."""
    title, body = title.strip(), body.strip()
    if not title:
        raise FieldError("title", "Give the document a title.")
    if len(title) > TITLE_MAX:
        raise FieldError("title", f"Use at most {TITLE_MAX} characters.")
    if not body:
        raise FieldError("body", "Write the document's text.")
    if len(body) > BODY_MAX:
        raise FieldError("body", f"Use at most {BODY_MAX} characters.")
    with transaction.atomic():
        Practice.objects.select_for_update().filter(pk=practice.pk).values_list("pk").get()
        versions = ConsentDocument.objects.filter(practice=practice, kind=kind.value)
        numbers = [int(v) for v in versions.values_list("version", flat=True) if v.isdigit()]
        document = ConsentDocument.objects.create(
            practice=practice,
            kind=kind.value,
            version=str(max(numbers, default=0) + 1),
            title=title,
            body=body,
            sha256=document_digest(title, body),
            published_at=now,
            published_by=published_by,
        )
        record_event(
            source=source,
            action=AuditAction.CREATE,
            detail=f"consent-document:{kind.value}:v{document.version}",
        )
    return document
