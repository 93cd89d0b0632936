"""Verifying an exported PDF: did this practice export a document with this SHA-256?

Any signed-in staff member may ask (a hash is not client data). The answer names the
kind of document, when and by whom; the client it is about only to a reader who may see
that client's record (per object, as every page does). Every lookup is audited, found or
not, with the hash asked for.
"""

from dataclasses import dataclass

from kapcare.audit.exports import exports_matching
from kapcare.audit.models import AuditAction, DocumentKind, ExportedDocument
from kapcare.audit.services import record_event, record_events
from kapcare.people.access import Actor, visible_clients
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Category

__all__ = ["ExportMatch", "Verification", "verify_export"]


@dataclass(frozen=True)
class ExportMatch:
    document: ExportedDocument
    kind_label: str
    # A staff member's name; for a client's own download, None (naming them would name
    # the client: ``by_client`` says who it was in words).
    exported_by: str | None
    by_client: bool
    # The client, only when the reader may see their record.
    client: Client | None
    # About a client the reader may not see: the page says so without naming them.
    client_hidden: bool


@dataclass(frozen=True)
class Verification:
    sha256: str
    matches: list[ExportMatch]

    @property
    def exported(self) -> bool:
        return bool(self.matches)


def verify_export(actor: Actor, sha256: str, *, detail: str) -> Verification:
    """The practice's exports with this hash (a lower-case SHA-256 in hex), audited.

    ``detail`` names the entry point (page or API); the event adds found/unknown and the
    hash. A constant number of queries, however many matches.
    """
    documents = list(exports_matching(actor.practice_id, sha256))
    exporters = {d.exported_by_id for d in documents if d.exported_by_id is not None}
    staff_users = set(
        StaffMember.objects.filter(
            practice_id=actor.practice_id, user_id__in=exporters
        ).values_list("user_id", flat=True)
    )
    client_ids = {d.client_id for d in documents if d.client_id is not None}
    visible = {
        c.pk: c for c in visible_clients(actor, Category.DEMOGRAPHICS).filter(pk__in=client_ids)
    }
    matches = []
    for d in documents:
        user = d.exported_by
        by_staff = user is not None and user.pk in staff_users
        matches.append(
            ExportMatch(
                document=d,
                kind_label=str(DocumentKind(d.kind).label),
                exported_by=(user.full_name or user.email) if by_staff and user else None,
                by_client=not by_staff and user is not None,
                client=visible.get(d.client_id) if d.client_id is not None else None,
                client_hidden=d.client_id is not None and d.client_id not in visible,
            )
        )
    outcome = "found" if documents else "unknown"
    record_event(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_id=documents[0].client_id if documents else None,
        category=Category.AUDIT,
        detail=f"{detail}:{outcome}:{sha256}",
    )
    # The names shown are reads of those clients' demographics.
    shown = sorted({m.client.pk for m in matches if m.client is not None})
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=shown,
        category=Category.DEMOGRAPHICS,
        detail=detail,
    )
    return Verification(sha256=sha256, matches=matches)


def my_exports(actor: Actor, limit: int = 20) -> list[ExportedDocument]:
    """The reader's own latest PDFs, with their hashes (no client named: ids only)."""
    return list(
        ExportedDocument.objects.filter(
            practice_id=actor.practice_id, exported_by=actor.user
        ).order_by("-exported_at", "-pk")[:limit]
    )
