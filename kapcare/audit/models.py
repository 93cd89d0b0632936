"""The append-only, hash-chained audit trail (FHIR AuditEvent in spirit)."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

from kapcare.audit.chain import canonical_ip, canonical_time


class AuditAction(models.TextChoices):
    CREATE = "create", "Create"
    READ = "read", "Read"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    PRINT = "print", "Print"
    EXPORT = "export", "Export"
    LOGIN = "login", "Sign-in"
    LOGOUT = "logout", "Sign-out"
    DENIED = "denied", "Denied"
    # A read under an emergency access (people.emergency): the privacy officer reviews these.
    EMERGENCY = "emergency", "Emergency read"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    DENIED = "denied", "Denied"


class AppendOnlyError(Exception):
    """The audit trail cannot be changed through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Inserts only: every way the ORM offers to change or remove rows refuses."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated.")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be updated.")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list["AuditEvent"]:
        # An "upsert" would overwrite existing rows; plain inserts only.
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise AppendOnlyError("Audit events are inserted, never upserted.")
        return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A plain id, not a foreign key: the trail must outlive any record it names.
    client_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    category = models.CharField(max_length=30, blank=True)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    # What was touched, as codes and ids (e.g. "api:get_client"): never client data.
    detail = models.CharField(max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=AuditOutcome.values), name="audit_outcome_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["client_id", "-seq"]),
            models.Index(fields=["actor", "-seq"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            args
            or not self._state.adding
            or kwargs.get("force_update")
            or kwargs.get("update_fields") is not None
        ):
            raise AppendOnlyError("Audit events cannot be updated.")
        # Always an INSERT: a new instance given an existing id would otherwise
        # be saved as an UPDATE of that row.
        super().save(**{**kwargs, "force_insert": True})

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def chain_fields(self) -> dict[str, object]:
        """The values the chain hash covers (see ``audit.chain.HASHED_FIELDS``)."""
        return {
            "seq": self.seq,
            "at": canonical_time(self.at),
            "actor_id": self.actor_id,
            "client_id": self.client_id,
            "action": str(self.action),
            "category": self.category,
            "outcome": str(self.outcome),
            "source_ip": canonical_ip(self.source_ip),
            "detail": self.detail,
        }


class AuditChainHead(models.Model):
    """One row holding the chain's tip; locking it serializes appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"head at {self.seq}"


class DocumentKind(models.TextChoices):
    """The kinds of PDF the practice exports (each produced by ``audit.exports``)."""

    SUPERBILL = "superbill", "Superbill"
    PROGRESS_REPORT = "progress_report", "Progress report"
    MEDICINE_RECORD = "medicine_record", "Medicine session record"
    AUDIT_LOG = "audit_log", "Audit log report"
    SIGNED_CONSENT = "signed_consent", "Signed consent"


class ExportedDocument(models.Model):
    """One exported PDF, known by the SHA-256 of its exact bytes (ONC 170.315(d)(8)).

    Written at export time by ``audit.exports.pdf_response``, the one place PDFs are
    produced, together with an audit event whose detail holds the same hash: the keyed
    chain vouches for this row. Plain ids, as in the trail: the record outlives the
    client or practice it names. Nothing of the document's content is kept.
    """

    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    kind = models.CharField(max_length=30, choices=DocumentKind.choices, editable=False)
    practice_id = models.BigIntegerField(editable=False)
    client_id = models.BigIntegerField(null=True, blank=True, editable=False)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    exported_at = models.DateTimeField(editable=False)
    size = models.PositiveIntegerField(editable=False)
    # The audit event written with this row (its detail names the hash).
    audit_seq = models.PositiveBigIntegerField(editable=False)

    class Meta:
        ordering = ["-exported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="exported_document_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["exported_by", "-exported_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"
