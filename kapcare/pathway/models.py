"""The pathway's records: plan (and its history), consents, screenings, clearances, dose orders.

Every enum and range is also a ``CheckConstraint``; the vocabularies are
``pathway.vocabulary``. Rows change only through ``pathway.services``, which checks the
rules and writes the audit trail.

The tables kept the names they had before these models moved here from ``scheduling``
and ``medicine`` (issue 8): the move changed no row (``db_table`` below, and the
migrations' ``SeparateDatabaseAndState``).
"""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from kapcare.core.choices import choices, values
from kapcare.pathway.vocabulary import (
    ANSWER_LABELS,
    CLEARANCE_LABELS,
    CONSENT_LABELS,
    FORMAT_LABELS,
    ORDERABLE_ROUTES,
    PLAN_STATUS_LABELS,
    PREGNANCY_LABELS,
    ROUTE_LABELS,
    Answer,
    ClearanceStatus,
    ConsentKind,
    PlanFormat,
    PlanStatus,
    PregnancyStatus,
    TreatmentModality,
)
from kapcare.people.models import Client, StaffMember


class TreatmentPlan(models.Model):
    """The client's one KAP treatment plan (FHIR CarePlan); its past is in the history."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="treatment_plan")
    format = models.CharField(max_length=10, choices=choices(FORMAT_LABELS))
    status = models.CharField(max_length=10, choices=choices(PLAN_STATUS_LABELS))
    includes_kap = models.BooleanField(default=True)
    includes_parts_work = models.BooleanField(default=False)
    includes_emdr = models.BooleanField(default=False)
    relational_goals = models.TextField(blank=True)
    planned_preparation_count = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    objects: ClassVar[models.Manager["TreatmentPlan"]] = models.Manager()

    class Meta:
        db_table = "scheduling_treatmentplan"
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=values(PlanFormat)), name="plan_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=values(PlanStatus)), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(planned_preparation_count__isnull=True)
                | Q(planned_preparation_count__lte=50),
                name="plan_preparation_count_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.format} plan ({self.status})"

    @property
    def modalities(self) -> list[TreatmentModality]:
        flags = (
            (TreatmentModality.KAP, self.includes_kap),
            (TreatmentModality.PARTS_WORK, self.includes_parts_work),
            (TreatmentModality.EMDR, self.includes_emdr),
        )
        return [modality for modality, included in flags if included]


class TreatmentPlanVersion(models.Model):
    """Append-only history: one row per saved state of a plan, written by the service."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="history")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=10, choices=choices(FORMAT_LABELS))
    status = models.CharField(max_length=10, choices=choices(PLAN_STATUS_LABELS))
    includes_kap = models.BooleanField()
    includes_parts_work = models.BooleanField()
    includes_emdr = models.BooleanField()
    relational_goals = models.TextField(blank=True)
    planned_preparation_count = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    objects: ClassVar[models.Manager["TreatmentPlanVersion"]] = models.Manager()

    class Meta:
        db_table = "scheduling_treatmentplanversion"
        ordering = ["plan", "changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=values(PlanFormat)), name="plan_version_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=values(PlanStatus)), name="plan_version_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.format} plan ({self.status}) at {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Plan history is append-only.")
        super().save(*args, **kwargs)


class Consent(models.Model):
    """A signed consent document (FHIR Consent); revocation is dated, never a delete."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=30, choices=choices(CONSENT_LABELS))
    version = models.CharField(max_length=40)
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    revoked_on = models.DateField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects: ClassVar[models.Manager["Consent"]] = models.Manager()

    class Meta:
        db_table = "scheduling_consent"
        ordering = ["client", "signed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(ConsentKind)), name="consent_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True, revoked_by__isnull=True)
                | Q(revoked_on__isnull=False, revoked_by__isnull=False),
                name="consent_revocation_complete",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("signed_on")),
                name="consent_revoked_after_signed",
            ),
        ]
        indexes = [models.Index(fields=["client", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


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
