"""Bulk exports: a job (who asked, for what, how far it got) and its NDJSON files.

The files hold client data: they live under ``settings.EXPORT_DIR`` (not served as
static files), are reached only through the audited download, and only by the person
who asked for them.
"""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from kapcare.people.models import Practice, StaffMember


class ExportLevel(models.TextChoices):
    SYSTEM = "system", "Everything (practice and patients)"
    PATIENT = "patient", "Patients"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Ready"
    FAILED = "failed", "Failed"


class ExportJob(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=10, choices=ExportLevel.choices)
    # Resource types asked for (empty: every type the level covers).
    types = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    objects: ClassVar[models.Manager["ExportJob"]] = models.Manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=ExportLevel.values), name="export_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="export_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(steps_done__lte=F("steps_total")), name="export_progress_range"
            ),
        ]
        indexes = [models.Index(fields=["requested_by", "-requested_at"])]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.COMPLETED:
            return 100
        return (100 * self.steps_done // self.steps_total) if self.steps_total else 0


class ExportFile(models.Model):
    """One NDJSON file of an export: one resource type."""

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="files")
    resource_type = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    count = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Whose data it holds (for the audit of its download); empty for practice files.
    category = models.CharField(max_length=30, blank=True)

    objects: ClassVar[models.Manager["ExportFile"]] = models.Manager()

    class Meta:
        ordering = ["job", "resource_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "resource_type"], name="export_file_one_per_type"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PracticeBilling(models.Model):
    """A practice's billing details: its NPI, the telehealth place of service, its fees.

    ``fees`` maps a CPT code to its fee per unit in dollars as a string ("150.00"),
    validated by ``billing.settings`` before it is saved.
    """

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="billing")
    npi = models.CharField("NPI", max_length=10, blank=True)
    tax_id = models.CharField("Tax ID (EIN)", max_length=10, blank=True)
    telehealth_pos = models.CharField(max_length=2, default="10")
    fees = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["PracticeBilling"]] = models.Manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(npi="") | Q(npi__regex=r"^[0-9]{10}$"), name="practice_npi_10_digits"
            ),
            models.CheckConstraint(
                condition=Q(telehealth_pos__in=["10", "02"]), name="practice_telehealth_pos_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"billing of practice {self.practice_id}"
