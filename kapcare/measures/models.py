"""A practice's own instruments. The built-in ones ship as JSON in ``instruments/``."""

from typing import Any

from django.db import models
from django.db.models import Q


class DefinitionImmutableError(Exception):
    """A loaded definition is never changed: responses are scored by it. Load a new version."""


class InstrumentDefinition(models.Model):
    """One version of an instrument loaded with ``manage.py load_instrument``.

    Never edited in place: a changed definition is loaded as a new version, and
    the registry serves the most recently loaded version of each code.
    """

    code = models.CharField(max_length=32)
    version = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    questionnaire = models.JSONField(help_text="The FHIR R4 Questionnaire, as loaded.")
    scoring = models.JSONField(help_text="The scoring specification, as loaded.")
    change = models.JSONField(
        null=True, blank=True, help_text="Reliable-change parameters with their sources."
    )
    source = models.TextField(help_text="Citation of the instrument and its scoring.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the canonical document.")
    loaded_from = models.CharField(max_length=255, blank=True)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["code", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="measures_definition_code_version_unique"
            ),
            models.CheckConstraint(
                condition=~Q(code="") & ~Q(version="") & ~Q(source=""),
                name="measures_definition_not_blank",
            ),
        ]
        indexes = [models.Index(fields=["code", "-loaded_at"], name="measures_def_code_loaded")]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise DefinitionImmutableError(
                f"{self} is already loaded; load a changed definition as a new version."
            )
        super().save(*args, **kwargs)

    def document(self) -> dict[str, Any]:
        """The definition as one document, the shape ``parse_instrument`` reads."""
        document: dict[str, Any] = {
            "code": self.code,
            "source": self.source,
            "questionnaire": self.questionnaire,
            "scoring": self.scoring,
        }
        if self.change is not None:
            document["change"] = self.change
        return document


# --- measures in care -------------------------------------------------------------------
# A response maps to a FHIR QuestionnaireResponse with its scores (Observations) kept on
# the same row: a score is never recorded without its answers, nor changed after.


class Schedule(models.TextChoices):
    """When an assigned measure falls due (tied to the care pathway)."""

    ONCE = "once", "Once"
    BEFORE_MEDICINE = "before_medicine", "Before each medicine session"
    EACH_INTEGRATION = "each_integration", "At each integration session"
    MONTHLY = "monthly", "Monthly"


class ResponseSource(models.TextChoices):
    STAFF = "staff", "Entered by staff"
    LINK = "link", "Completed by the client (link)"
    PORTAL = "portal", "Completed by the client (portal)"


class RiskFlagCode(models.TextChoices):
    """Flags that reach the chart as risk flags and must be reviewed by a clinician."""

    SUICIDALITY = "suicidality", "PHQ-9 item 9 answered above zero"
    SUICIDE_RISK = "suicide_risk", "Positive ASQ suicide risk screen"
    HIGH_DISSOCIATION = "high_dissociation", "DES-II at or above 30 before a medicine session"


class MeasureAssignment(models.Model):
    """A measure the client is asked to complete, once or on a pathway schedule."""

    client = models.ForeignKey(
        "people.Client", on_delete=models.CASCADE, related_name="measure_assignments"
    )
    instrument_code = models.CharField(max_length=32)
    schedule = models.CharField(max_length=20, choices=Schedule.choices)
    due_on = models.DateField(help_text="Once: the due date; monthly: the first due date.")
    assigned_by = models.ForeignKey(
        "people.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "instrument_code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(schedule__in=Schedule.values), name="measures_assignment_schedule_valid"
            ),
            models.CheckConstraint(
                condition=~Q(instrument_code=""), name="measures_assignment_code_not_blank"
            ),
            models.UniqueConstraint(
                fields=["client", "instrument_code", "schedule"],
                condition=Q(ended_at__isnull=True),
                name="measures_assignment_one_active",
            ),
        ]
        indexes = [models.Index(fields=["client", "ended_at"], name="measures_assign_client")]

    def __str__(self) -> str:
        return f"{self.instrument_code} ({self.schedule})"


class CompletionLink(models.Model):
    """A signed, expiring, single-use link for the client to complete one measure.

    Only the SHA-256 digest of the token's random part is stored: the database alone
    cannot produce a working link.
    """

    client = models.ForeignKey(
        "people.Client", on_delete=models.CASCADE, related_name="measure_links"
    )
    assignment = models.ForeignKey(
        MeasureAssignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="links"
    )
    instrument_code = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey("people.StaffMember", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")),
                name="measures_link_expires_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["client", "-issued_at"], name="measures_link_client")]

    def __str__(self) -> str:
        return f"link {self.pk} ({self.instrument_code})"


class MeasureResponse(models.Model):
    """One completed measure: the answers as given, who entered them, and their scores."""

    client = models.ForeignKey(
        "people.Client", on_delete=models.PROTECT, related_name="measure_responses"
    )
    instrument_code = models.CharField(max_length=32)
    instrument_version = models.CharField(max_length=32)
    answers = models.JSONField(help_text="One value per item, in the published order.")
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    entered_by = models.ForeignKey(
        "people.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who entered the answers; empty when the client did.",
    )
    link = models.OneToOneField(
        CompletionLink, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    assignment = models.ForeignKey(
        MeasureAssignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    completed_at = models.DateTimeField()
    # The scores, as the engine reported them (stored so history never re-scores).
    total = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    severity = models.CharField(max_length=40, blank=True)
    subscales = models.JSONField(default=dict)
    outcomes = models.JSONField(default=dict)
    flags = models.JSONField(default=list)

    class Meta:
        ordering = ["client", "instrument_code", "completed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ResponseSource.values), name="measures_response_source_valid"
            ),
            models.CheckConstraint(
                condition=(Q(source="staff") & Q(entered_by__isnull=False))
                | (Q(source="link") & Q(link__isnull=False))
                | (Q(source="portal") & Q(entered_by__isnull=True) & Q(link__isnull=True)),
                name="measures_response_source_matches",
            ),
        ]
        indexes = [
            models.Index(
                fields=["client", "instrument_code", "completed_at"], name="measures_resp_series"
            ),
            models.Index(fields=["client", "-completed_at"], name="measures_resp_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} response {self.pk}"


class RiskFlag(models.Model):
    """A safety flag on the chart (FHIR Flag) that stays open until a clinician reviews it."""

    client = models.ForeignKey("people.Client", on_delete=models.PROTECT, related_name="risk_flags")
    code = models.CharField(max_length=40, choices=RiskFlagCode.choices)
    response = models.ForeignKey(
        MeasureResponse, on_delete=models.PROTECT, related_name="risk_flags"
    )
    raised_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        "people.StaffMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=RiskFlagCode.values), name="measures_flag_code_valid"
            ),
            # Open, or reviewed by someone, at a time, with a note: never half-reviewed.
            models.CheckConstraint(
                condition=(
                    Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review_note="")
                    | (Q(reviewed_at__isnull=False, reviewed_by__isnull=False) & ~Q(review_note=""))
                ),
                name="measures_flag_review_complete",
            ),
            models.UniqueConstraint(
                fields=["response", "code"], name="measures_flag_one_per_response"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "reviewed_at"], name="measures_flag_client_open"),
        ]

    def __str__(self) -> str:
        return f"{self.code} flag {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.reviewed_at is None
