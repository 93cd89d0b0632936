"""Consent documents (the practice's versioned texts) and the consents clients give."""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from kapcare.core.choices import choices, values
from kapcare.pathway.vocabulary import (
    CONSENT_LABELS,
    ConsentKind,
)
from kapcare.people.models import Client, Practice, StaffMember


class ConsentDocument(models.Model):
    """One version of a consent document the practice asks its clients to sign.

    Versions are kept (a signature names the version it signed, with its SHA-256);
    the latest published version of each kind is the one offered for signing.
    """

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="consent_documents"
    )
    kind = models.CharField(max_length=30, choices=choices(CONSENT_LABELS))
    version = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    # None: shipped with the demo practice rather than published by a staff member.
    published_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects: ClassVar[models.Manager["ConsentDocument"]] = models.Manager()

    class Meta:
        ordering = ["practice", "kind", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "kind", "version"], name="consent_document_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=values(ConsentKind)), name="consent_document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="consent_document_sha256_hex"
            ),
        ]
        indexes = [models.Index(fields=["practice", "kind", "published_at"])]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Consent(models.Model):
    """A signed consent (FHIR Consent); revocation is dated, never a delete.

    Staff record a consent signed on paper (``recorded_by``); a client signs in the
    portal (``document``, the typed name, the time and address, the document's SHA-256).
    Both are the same row to the booking rules.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=30, choices=choices(CONSENT_LABELS))
    version = models.CharField(max_length=40)
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField()
    document = models.ForeignKey(
        ConsentDocument,
        on_delete=models.PROTECT,
        related_name="signatures",
        null=True,
        blank=True,
    )
    signed_name = models.CharField(max_length=150, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_from_ip = models.GenericIPAddressField(null=True, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoked_by_client = models.BooleanField(default=False)

    objects: ClassVar[models.Manager["Consent"]] = models.Manager()

    class Meta:
        db_table = "scheduling_consent"
        ordering = ["client", "signed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(ConsentKind)), name="consent_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    revoked_on__isnull=True, revoked_by__isnull=True, revoked_by_client=False
                )
                | Q(revoked_on__isnull=False, revoked_by__isnull=False, revoked_by_client=False)
                | Q(revoked_on__isnull=False, revoked_by__isnull=True, revoked_by_client=True),
                name="consent_revocation_complete",
            ),
            # Recorded by staff, or signed by the client with everything a signature keeps.
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=False)
                | (
                    Q(document__isnull=False, signed_at__isnull=False)
                    & ~Q(signed_name="")
                    & Q(document_sha256__regex=r"^[0-9a-f]{64}$")
                ),
                name="consent_recorded_or_signed",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("signed_on")),
                name="consent_revoked_after_signed",
            ),
        ]
        indexes = [models.Index(fields=["client", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"
