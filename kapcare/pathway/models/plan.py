"""The treatment plan, every saved state of it, and what it holds: problems, goals,
interventions and signed reviews."""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from kapcare.core.choices import choices, values
from kapcare.pathway.vocabulary import (
    FORMAT_LABELS,
    GOAL_COMPARISON_LABELS,
    GOAL_PROGRESS_LABELS,
    GOAL_STATUS_LABELS,
    INTERVENTION_LABELS,
    PLAN_STATUS_LABELS,
    GoalComparison,
    GoalProgress,
    GoalStatus,
    InterventionKind,
    PlanFormat,
    PlanStatus,
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
    # When the plan is next reviewed (set with the plan, then by each signed review).
    review_due_on = models.DateField(null=True, blank=True)
    # A staff member, or the client pausing in the portal (``changed_by_client``).
    updated_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    changed_by_client = models.BooleanField(default=False)
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
            models.CheckConstraint(
                condition=Q(updated_by__isnull=False)
                | Q(changed_by_client=True, status=PlanStatus.PAUSED.value),
                name="plan_change_recorded",
            ),
        ]
        # The home page lists the plans whose review falls due soon.
        indexes = [models.Index(fields=["review_due_on"], name="plan_review_due")]

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
    review_due_on = models.DateField(null=True, blank=True)
    changed_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    changed_by_client = models.BooleanField(default=False)
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
            models.CheckConstraint(
                condition=Q(changed_by__isnull=False)
                | Q(changed_by_client=True, status=PlanStatus.PAUSED.value),
                name="plan_version_change_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.format} plan ({self.status}) at {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Plan history is append-only.")
        super().save(*args, **kwargs)


class PlanProblem(models.Model):
    """A problem the plan addresses, in relational terms (e.g. "panics when a partner
    withdraws"); reworded (each earlier wording kept in ``wordings``) or resolved with a
    date, never deleted."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="problems")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    resolved_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager["PlanProblem"]] = models.Manager()

    class Meta:
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="plan_problem_not_blank")
        ]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self) -> str:
        return f"problem {self.pk}"


class PlanProblemWording(models.Model):
    """An earlier wording of a problem, kept when it was reworded (append-only)."""

    problem = models.ForeignKey(PlanProblem, on_delete=models.PROTECT, related_name="wordings")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    replaced_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField()

    objects: ClassVar[models.Manager["PlanProblemWording"]] = models.Manager()

    class Meta:
        ordering = ["problem", "replaced_at", "id"]

    def __str__(self) -> str:
        return f"earlier wording of problem {self.problem_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A problem's earlier wording is kept as it was.")
        super().save(*args, **kwargs)


class PlanGoal(models.Model):
    """A goal of the plan, measurable when it names an instrument and a target
    ("PCL-5 below 33"). Its words never change (a changed goal is a new one, the old set
    aside), so every review's judgement stays attached to what was judged."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="goals")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    problem = models.ForeignKey(
        PlanProblem, on_delete=models.PROTECT, related_name="goals", null=True, blank=True
    )
    description = models.TextField()
    instrument_code = models.CharField(max_length=32, blank=True)
    # The instrument's subscale the target is for (PCL-5 "B"); empty: its total.
    subscale = models.CharField(max_length=64, blank=True)
    comparison = models.CharField(
        max_length=12, choices=choices(GOAL_COMPARISON_LABELS), blank=True
    )
    target = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=choices(GOAL_STATUS_LABELS), default=GoalStatus.ACTIVE.value
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager["PlanGoal"]] = models.Manager()

    class Meta:
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="plan_goal_not_blank"),
            models.CheckConstraint(
                condition=Q(status__in=values(GoalStatus)), name="plan_goal_status_valid"
            ),
            # Measured (instrument, comparison and target, perhaps a subscale) or not
            # measured (none of them).
            models.CheckConstraint(
                condition=Q(instrument_code="", subscale="", comparison="", target__isnull=True)
                | (
                    ~Q(instrument_code="")
                    & Q(comparison__in=values(GoalComparison), target__isnull=False)
                ),
                name="plan_goal_measure_complete",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"goal {self.pk}"

    @property
    def measured(self) -> bool:
        return bool(self.instrument_code)


class PlanIntervention(models.Model):
    """What the plan does toward its goals (KAP, parts work, EMDR, ...), how often; ended
    with a date when it stops, never deleted."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="interventions")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.PROTECT, related_name="interventions", null=True, blank=True
    )
    kind = models.CharField(max_length=12, choices=choices(INTERVENTION_LABELS))
    description = models.TextField(blank=True)
    frequency = models.CharField(max_length=200, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager["PlanIntervention"]] = models.Manager()

    class Meta:
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(InterventionKind)), name="plan_intervention_kind_valid"
            )
        ]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self) -> str:
        return f"intervention {self.pk}"


class PlanReview(models.Model):
    """A signed review of the plan: locked when written (append-only), with the plan's
    state it reviewed, each goal's progress and the date of the next review."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="reviews")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    plan_version = models.ForeignKey(
        TreatmentPlanVersion, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField()
    summary = models.TextField(blank=True)
    next_review_on = models.DateField()
    signed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    objects: ClassVar[models.Manager["PlanReview"]] = models.Manager()

    class Meta:
        ordering = ["plan", "-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gt=F("reviewed_on")),
                name="plan_review_next_after",
            )
        ]
        indexes = [models.Index(fields=["client", "reviewed_on"])]

    def __str__(self) -> str:
        return f"plan review {self.pk} ({self.reviewed_on})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A signed plan review is locked.")
        super().save(*args, **kwargs)


class GoalReview(models.Model):
    """One goal's progress at a review, with its instrument's latest total then (the
    measures response it came from, kept by id: a signed review never re-reads it)."""

    review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="goal_reviews")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="reviews")
    progress = models.CharField(max_length=14, choices=choices(GOAL_PROGRESS_LABELS))
    note = models.TextField(blank=True)
    score = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    measure_response_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_met = models.BooleanField(null=True, blank=True)

    objects: ClassVar[models.Manager["GoalReview"]] = models.Manager()

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="goal_review_once"),
            models.CheckConstraint(
                condition=Q(progress__in=values(GoalProgress)), name="goal_review_progress_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True, scored_at__isnull=True, target_met__isnull=True)
                | Q(score__isnull=False, scored_at__isnull=False, target_met__isnull=False),
                name="goal_review_score_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"goal {self.goal_id} at review {self.review_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A signed plan review is locked.")
        super().save(*args, **kwargs)
