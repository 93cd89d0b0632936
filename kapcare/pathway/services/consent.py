"""Consents: recorded when signed, revoked by date (a consent is never deleted).

Two ways in, one writer (``_create``): staff record a consent signed on paper
(``record_consent``); a client signs the practice's current document in the portal
(``sign_consent``: typed name, time, address, the document's SHA-256). The booking
rules read both alike. A client may revoke their own consent in one step
(``revoke_consent`` with the client's actor): the portal tells the care team.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.pathway.access import access_consent
from kapcare.pathway.documents import document_digest
from kapcare.pathway.models import Consent, ConsentDocument
from kapcare.pathway.rules import CONSENT_REVOKED
from kapcare.pathway.services.dating import require_dated_act
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.access import Actor, access_client, deny, lock_client, staff_of
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Category

__all__ = [
    "current_consent_documents",
    "record_consent",
    "revoke_consent",
    "sign_consent",
]

SIGNED_NAME_MAX = 150


@dataclass(frozen=True)
class _Signature:
    document: ConsentDocument
    signed_name: str
    signed_at: dt.datetime
    signed_from_ip: str | None


def _create(
    *,
    actor: Actor,
    client: Client,
    kind: ConsentKind,
    version: str,
    signed_on: dt.date,
    now: dt.datetime,
    recorded_by: StaffMember | None = None,
    signature: _Signature | None = None,
) -> Consent:
    """The one place a consent row is written, with its audit row."""
    with transaction.atomic():
        consent = Consent.objects.create(
            client=client,
            kind=kind.value,
            version=version,
            signed_on=signed_on,
            recorded_by=recorded_by,
            recorded_at=now,
            document=signature.document if signature else None,
            signed_name=signature.signed_name if signature else "",
            signed_at=signature.signed_at if signature else None,
            signed_from_ip=signature.signed_from_ip if signature else None,
            document_sha256=signature.document.sha256 if signature else "",
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"consent:{kind.value}" + (":signed" if signature else ""),
        )
    return consent


def record_consent(
    *,
    actor: Actor,
    client_id: int,
    kind: ConsentKind,
    version: str,
    signed_on: dt.date,
    now: dt.datetime,
) -> Consent:
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.CREATE, detail="consent"
    )
    if not version.strip():
        raise FieldError("version", "Give the version of the signed consent document.")
    if signed_on > timezone.localdate(now):
        raise FieldError("signed_on", "A consent cannot be signed in the future.")
    return _create(
        actor=actor,
        client=client,
        kind=kind,
        version=version.strip(),
        signed_on=signed_on,
        now=now,
        recorded_by=staff,
    )


def current_consent_documents(practice_id: int) -> dict[ConsentKind, ConsentDocument]:
    """The latest published version of each kind of the practice's consent documents."""
    latest: dict[ConsentKind, ConsentDocument] = {}
    for document in ConsentDocument.objects.filter(practice_id=practice_id).order_by(
        "kind", "-published_at", "-id"
    ):
        latest.setdefault(ConsentKind(document.kind), document)
    return latest


def sign_consent(*, actor: Actor, document_id: int, typed_name: str, now: dt.datetime) -> Consent:
    """The client signs the practice's current version of a consent document.

    The signature keeps the typed name, the time, the address it came from and the
    document's SHA-256; the consent is dated the day it was signed. Refused (on the
    field) without a name, for a version that is no longer current, or when the same
    version is already signed and in force.
    """
    if not actor.is_client or actor.client_id is None:
        raise deny(actor, category=Category.CLINICAL, action=AuditAction.CREATE, detail="consent")
    client = access_client(
        actor, actor.client_id, Category.CLINICAL, action=AuditAction.CREATE, detail="consent"
    )
    name = " ".join(typed_name.split())
    if not name:
        raise FieldError("typed_name", "Type your full name to sign.")
    if len(name) > SIGNED_NAME_MAX:
        raise FieldError("typed_name", f"Use at most {SIGNED_NAME_MAX} characters.")
    document = ConsentDocument.objects.filter(
        pk=document_id, practice_id=client.practice_id
    ).first()
    if document is None:
        raise deny(actor, category=Category.CLINICAL, action=AuditAction.CREATE, detail="consent")
    kind = ConsentKind(document.kind)
    if current_consent_documents(client.practice_id).get(kind) != document:
        raise FieldError(
            "document",
            "A newer version of this document has been published. Please read it before signing.",
        )
    if document.sha256 != document_digest(document.title, document.body):
        raise FieldError(
            "document", "This document cannot be signed now. Please tell your care team."
        )
    with transaction.atomic():
        lock_client(client.pk)
        if Consent.objects.filter(
            client=client, document=document, revoked_on__isnull=True
        ).exists():
            raise FieldError("document", "You have already signed this version.")
        return _create(
            actor=actor,
            client=client,
            kind=kind,
            version=document.version,
            signed_on=timezone.localdate(now),
            now=now,
            signature=_Signature(
                document=document,
                signed_name=name,
                signed_at=now,
                signed_from_ip=actor.source_ip,
            ),
        )


def revoke_consent(
    *, actor: Actor, consent_id: int, revoked_on: dt.date, now: dt.datetime
) -> Consent:
    """Date the revocation; the consent itself is kept.

    Staff record a revocation (any date from signing to today); a client revokes their
    own consent, from today.
    """
    by_client = actor.is_client
    staff = None if by_client else staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    _, client = access_consent(actor, consent_id, action=AuditAction.UPDATE, detail="consent")
    if by_client and revoked_on != timezone.localdate(now):
        raise FieldError("revoked_on", "A revocation from the portal takes effect today.")
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent_id)
        require_dated_act(
            CONSENT_REVOKED,
            on=revoked_on,
            now=now,
            started_on=consent.signed_on,
            done_on=consent.revoked_on,
        )
        consent.revoked_on = revoked_on
        consent.revoked_by = staff
        consent.revoked_by_client = by_client
        consent.save(update_fields=["revoked_on", "revoked_by", "revoked_by_client"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"consent:{consent.kind}:revoked" + (":by-client" if by_client else ""),
        )
    return consent
