"""Consents: recorded when signed, revoked by date (a consent is never deleted)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.pathway.access import access_consent
from kapcare.pathway.models import Consent
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.access import Actor, access_client, staff_of
from kapcare.people.policy import Category

__all__ = ["record_consent", "revoke_consent"]


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
    with transaction.atomic():
        consent = Consent.objects.create(
            client=client,
            kind=kind.value,
            version=version.strip(),
            signed_on=signed_on,
            recorded_by=staff,
            recorded_at=now,
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"consent:{kind.value}",
        )
    return consent


def revoke_consent(
    *, actor: Actor, consent_id: int, revoked_on: dt.date, now: dt.datetime
) -> Consent:
    """Date the revocation; the consent itself is kept."""
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    _, client = access_consent(actor, consent_id, action=AuditAction.UPDATE, detail="consent")
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent_id)
        if consent.revoked_on is not None:
            raise FieldError("revoked_on", "This consent is already revoked.")
        if revoked_on < consent.signed_on:
            raise FieldError("revoked_on", "A consent cannot be revoked before it was signed.")
        if revoked_on > timezone.localdate(now):
            raise FieldError("revoked_on", "A revocation cannot be dated in the future.")
        consent.revoked_on = revoked_on
        consent.revoked_by = staff
        consent.save(update_fields=["revoked_on", "revoked_by"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"consent:{consent.kind}:revoked",
        )
    return consent
