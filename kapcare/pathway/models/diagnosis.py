"""Diagnoses (ICD-10-CM) and the practice's list of codes to choose from."""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from kapcare.people.models import Client, Practice, StaffMember


class PracticeDiagnosisCode(models.Model):
    """An ICD-10-CM code a practice adds to its diagnosis list (beside the defaults of
    ``pathway.diagnoses``); kept in the admin."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=8)
    description = models.CharField(max_length=200)

    objects: ClassVar[models.Manager["PracticeDiagnosisCode"]] = models.Manager()

    class Meta:
        ordering = ["practice", "code"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "code"], name="diagnosis_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Diagnosis(models.Model):
    """A diagnosis on the client's plan (FHIR Condition, ICD-10-CM); resolved, never deleted."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="diagnoses")
    code = models.CharField(max_length=8)
    description = models.CharField(max_length=200)
    noted_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[models.Manager["Diagnosis"]] = models.Manager()

    class Meta:
        ordering = ["client", "noted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("noted_on")),
                name="diagnosis_resolved_after_noted",
            )
        ]
        indexes = [models.Index(fields=["client", "noted_on"])]

    def __str__(self) -> str:
        return f"{self.code} ({self.noted_on})"

    @property
    def active(self) -> bool:
        return self.resolved_on is None
