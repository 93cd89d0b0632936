"""The medical record the medicine sessions rest on: screenings and their answers,
clearances, dose orders."""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from kapcare.core.choices import choices, values
from kapcare.pathway.vocabulary import (
    ANSWER_LABELS,
    CLEARANCE_LABELS,
    ORDERABLE_ROUTES,
    PREGNANCY_LABELS,
    ROUTE_LABELS,
    Answer,
    ClearanceStatus,
    PregnancyStatus,
)
from kapcare.people.models import Client, StaffMember


class MedicalScreening(models.Model):
    """One version of a client's medical screening (the latest governs)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="medical_screenings")
    version = models.PositiveIntegerField()
    history = models.TextField(blank=True)
    medications = models.TextField(blank=True)
    pregnancy_status = models.CharField(max_length=20, choices=choices(PREGNANCY_LABELS))
    baseline_systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_spo2 = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    # Inputs from measures as they stood when screened; None means unknown.
    des_ii_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    unreviewed_suicide_flag = models.BooleanField(null=True, blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[models.Manager["MedicalScreening"]] = models.Manager()

    class Meta:
        db_table = "medicine_medicalscreening"
        ordering = ["client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="screening_version_unique"),
            models.CheckConstraint(
                condition=Q(pregnancy_status__in=values(PregnancyStatus)),
                name="screening_pregnancy_valid",
            ),
            models.CheckConstraint(
                condition=Q(des_ii_total__isnull=True)
                | Q(des_ii_total__gte=0, des_ii_total__lte=100),
                name="screening_des_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline_spo2__isnull=True) | Q(baseline_spo2__lte=100),
                name="screening_spo2_range",
            ),
        ]

    def __str__(self) -> str:
        return f"screening v{self.version}"


class ScreeningAnswer(models.Model):
    """One contraindication item of a screening: yes / no / unknown, with notes."""

    screening = models.ForeignKey(
        MedicalScreening, on_delete=models.CASCADE, related_name="answers"
    )
    code = models.CharField(max_length=80)
    answer = models.CharField(max_length=10, choices=choices(ANSWER_LABELS))
    notes = models.TextField(blank=True)

    objects: ClassVar[models.Manager["ScreeningAnswer"]] = models.Manager()

    class Meta:
        db_table = "medicine_screeninganswer"
        ordering = ["screening", "id"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "code"], name="screening_answer_unique"),
            models.CheckConstraint(
                condition=Q(answer__in=values(Answer)), name="screening_answer_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.answer}"


class Clearance(models.Model):
    """A medical provider's clearance decision (the most recent one governs).

    Each decision has a version (1, 2, ... per client) and keeps what it rests on: the
    screening it was made against and a written justification for each relative
    contraindication that screening found.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="clearances")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=choices(CLEARANCE_LABELS))
    valid_until = models.DateField()
    note = models.TextField(blank=True)
    screening = models.ForeignKey(
        MedicalScreening, on_delete=models.PROTECT, related_name="clearances", null=True
    )
    # {contraindication code: the medical provider's written justification}
    justifications = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[models.Manager["Clearance"]] = models.Manager()

    class Meta:
        db_table = "scheduling_clearance"
        ordering = ["client", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=values(ClearanceStatus)), name="clearance_status_valid"
            ),
            models.UniqueConstraint(fields=["client", "version"], name="clearance_version_unique"),
        ]
        indexes = [models.Index(fields=["client", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.status} until {self.valid_until}"


class DoseOrder(models.Model):
    """A ketamine dose order written by a medical provider (FHIR MedicationRequest)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="dose_orders")
    route = models.CharField(
        max_length=15, choices=choices({r: ROUTE_LABELS[r] for r in ORDERABLE_ROUTES})
    )
    dose_mg = models.DecimalField(max_digits=6, decimal_places=2)
    max_dose_mg = models.DecimalField(max_digits=6, decimal_places=2)
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)
    ordered_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField()

    objects: ClassVar[models.Manager["DoseOrder"]] = models.Manager()

    class Meta:
        db_table = "scheduling_doseorder"
        ordering = ["client", "active_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(route__in=[r.value for r in ORDERABLE_ROUTES]),
                name="dose_order_route_valid",
            ),
            models.CheckConstraint(condition=Q(dose_mg__gt=0), name="dose_order_dose_positive"),
            models.CheckConstraint(
                condition=Q(max_dose_mg__gte=F("dose_mg")), name="dose_order_max_at_least_dose"
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=F("active_from")),
                name="dose_order_active_range",
            ),
        ]
        indexes = [models.Index(fields=["client", "active_from"])]

    def __str__(self) -> str:
        return f"{self.route} {self.dose_mg} mg (max {self.max_dose_mg} mg)"
