"""What the consent pages show a client: each current document and where they stand."""

from dataclasses import dataclass

from kapcare.pathway.models import Consent, ConsentDocument
from kapcare.pathway.services import current_consent_documents
from kapcare.pathway.vocabulary import CONSENT_LABELS, ConsentKind
from kapcare.people.models import Client

__all__ = ["ConsentRow", "consent_rows"]


@dataclass(frozen=True)
class ConsentRow:
    kind: ConsentKind
    label: str
    document: ConsentDocument | None  # the current version, if the practice has one
    in_force: Consent | None  # the latest consent of this kind not revoked
    signed_current: bool  # in force and of the current version
    history: list[Consent]  # every consent of this kind, newest first


def consent_rows(client: Client) -> list[ConsentRow]:
    """One row per kind, in the vocabulary's order (two queries)."""
    documents = current_consent_documents(client.practice_id)
    consents = list(
        Consent.objects.filter(client=client)
        .select_related("document")
        .order_by("-signed_on", "-recorded_at", "-id")
    )
    rows = []
    for kind in ConsentKind:
        mine = [c for c in consents if c.kind == kind.value]
        in_force = next((c for c in mine if c.revoked_on is None), None)
        document = documents.get(kind)
        rows.append(
            ConsentRow(
                kind=kind,
                label=CONSENT_LABELS[kind],
                document=document,
                in_force=in_force,
                signed_current=in_force is not None
                and document is not None
                and in_force.document_id == document.pk,
                history=mine,
            )
        )
    return rows
