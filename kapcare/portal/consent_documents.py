"""The practice's consent documents as staff see them: every version of each kind, who
published it, and who signed it.

How many clients signed each version is practice data (no names); the names are client
data, shown only for the clients whose clinical record the reader may open (their care
team's; front desk sees the counts only), and each name shown is an audited read.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.pathway.models import Consent, ConsentDocument
from kapcare.pathway.vocabulary import CONSENT_LABELS, ConsentKind
from kapcare.people.access import Actor, deny, visible_clients
from kapcare.people.models import Client
from kapcare.people.policy import Category, may_edit_practice_documents

__all__ = ["DocumentKind", "DocumentVersion", "Signer", "document_kinds", "editor"]


def editor(actor: Actor) -> Actor:
    """The actor, if they may see and publish the practice's documents; else 404."""
    if not may_edit_practice_documents(actor.roles):
        raise deny(actor, category=Category.CLINICAL, action=AuditAction.READ, detail="documents")
    return actor


@dataclass(frozen=True)
class Signer:
    client_id: int
    name: str
    signed_on: dt.date
    revoked: bool


@dataclass(frozen=True)
class DocumentVersion:
    document: ConsentDocument
    signed_count: int
    signers: list[Signer]  # the ones the reader may see


@dataclass(frozen=True)
class DocumentKind:
    kind: ConsentKind
    label: str
    versions: list[DocumentVersion]  # newest first

    @property
    def current(self) -> ConsentDocument | None:
        return self.versions[0].document if self.versions else None


def document_kinds(actor: Actor, *, detail: str, names: bool = True) -> list[DocumentKind]:
    """One entry per kind, each version with its signers (three queries; two without
    ``names``, which leaves the signers out)."""
    documents = list(
        ConsentDocument.objects.filter(practice_id=actor.practice_id)
        .select_related("published_by")
        .order_by("kind", "-published_at", "-id")
    )
    signed = Consent.objects.filter(document__in=documents)
    counts = Counter(signed.values_list("document_id", flat=True))
    readable = visible_clients(actor, Category.CLINICAL) if names else Client.objects.none()
    visible = (
        signed.filter(client__in=readable).select_related("client").order_by("-signed_at", "-id")
    )
    signers: dict[int, list[Signer]] = defaultdict(list)
    for consent in visible:
        if consent.document_id is None:  # filtered out above; keeps the type checker sure
            continue
        signers[consent.document_id].append(
            Signer(
                client_id=consent.client_id,
                name=consent.client.display_name,
                signed_on=consent.signed_on,
                revoked=consent.revoked_on is not None,
            )
        )
    shown = sorted({s.client_id for group in signers.values() for s in group})
    if shown:
        record_events(
            source=actor.audit_source,
            action=AuditAction.READ,
            client_ids=shown,
            category=Category.CLINICAL,
            detail=detail,
        )
    return [
        DocumentKind(
            kind=kind,
            label=CONSENT_LABELS[kind],
            versions=[
                DocumentVersion(d, counts.get(d.pk, 0), signers.get(d.pk, []))
                for d in documents
                if d.kind == kind.value
            ],
        )
        for kind in ConsentKind
    ]
