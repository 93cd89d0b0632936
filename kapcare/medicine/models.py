"""The medicine-session record.

Vocabularies come from ``pathway.vocabulary`` and the pure rules; every enum
and range is also a ``CheckConstraint``. Rows change only through
``medicine.services``, which checks the rules and writes the audit trail. Times are
stored in UTC. A session record is signed, then locked: after the first signature
nothing but an addendum is added (the services refuse; the rows keep ``locked_at``).
"""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from kapcare.core.choices import choices, values
from kapcare.medicine.vocabulary import (
    ADVERSE_EVENT_LABELS,
    SEVERITY_LABELS,
    SIGNER_ROLE_LABELS,
    AdverseEventKind,
    AdverseEventSeverity,
    SignerRole,
)
from kapcare.pathway.models import DoseOrder
from kapcare.pathway.vocabulary import ROUTE_LABELS, Route
from kapcare.people.models import Client, StaffMember
from kapcare.scheduling.models import Appointment


class MedicineSession(models.Model):
    """The record of one medicine appointment: checklist, discharge, lock."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="medicine_record"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="medicine_sessions")
    # Pre-dose checklist (attested by the person who saved it).
    identity_confirmed = models.BooleanField(default=False)
    fasting_confirmed = models.BooleanField(default=False)
    escort_name = models.CharField(max_length=200, blank=True)
    no_driving_agreed = models.BooleanField(default=False)
    todays_measures_done = models.BooleanField(default=False)
    intention = models.TextField(blank=True)
    last_food_at = models.DateTimeField(null=True, blank=True)
    last_liquids_at = models.DateTimeField(null=True, blank=True)
    checklist_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    checklist_at = models.DateTimeField(null=True, blank=True)
    # A medical provider's acknowledgement of a pre-dose reading at or above 140/90.
    predose_ack_reading = models.ForeignKey(
        "VitalsReading", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    predose_ack_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    predose_ack_at = models.DateTimeField(null=True, blank=True)
    # Discharge, once the gate let the client go.
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharge_alert_oriented = models.BooleanField(null=True, blank=True)
    discharge_steady_gait = models.BooleanField(null=True, blank=True)
    discharge_escort_present = models.BooleanField(null=True, blank=True)
    discharged_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The therapist's note of the session, kept with the record (and locked with it): the
    # full progress and psychotherapy notes are the notes app's.
    therapist_note = models.TextField(blank=True)
    therapist_note_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    therapist_note_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)  # every signature is in
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager["MedicineSession"]] = models.Manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True)
                | Q(
                    discharge_alert_oriented=True,
                    discharge_steady_gait=True,
                    discharge_escort_present=True,
                    discharged_by__isnull=False,
                ),
                name="medicine_discharge_complete",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(locked_at__isnull=False),
                name="medicine_completed_is_locked",
            ),
            models.CheckConstraint(
                condition=Q(therapist_note_at__isnull=True) | Q(therapist_note_by__isnull=False),
                name="medicine_therapist_note_has_author",
            ),
        ]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self) -> str:
        return f"medicine record of appointment {self.appointment_id}"


class VitalsReading(models.Model):
    session = models.ForeignKey(MedicineSession, on_delete=models.PROTECT, related_name="vitals")
    at = models.DateTimeField()
    systolic = models.PositiveSmallIntegerField()
    diastolic = models.PositiveSmallIntegerField()
    heart_rate = models.PositiveSmallIntegerField()
    spo2 = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[models.Manager["VitalsReading"]] = models.Manager()

    class Meta:
        ordering = ["session", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(spo2__lte=100), name="vitals_spo2_range"),
            models.CheckConstraint(
                condition=Q(diastolic__lt=F("systolic")), name="vitals_diastolic_below"
            ),
        ]
        indexes = [models.Index(fields=["session", "at"])]

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic} at {self.at:%H:%M}"


class VitalsAlert(models.Model):
    """An out-of-range value, recorded as an event when the reading was saved."""

    session = models.ForeignKey(MedicineSession, on_delete=models.PROTECT, related_name="alerts")
    reading = models.ForeignKey(VitalsReading, on_delete=models.PROTECT, related_name="alerts")
    code = models.CharField(max_length=40)
    measure = models.CharField(max_length=20)
    value = models.PositiveSmallIntegerField()
    threshold = models.PositiveSmallIntegerField()
    message = models.CharField(max_length=200)
    raised_at = models.DateTimeField()

    objects: ClassVar[models.Manager["VitalsAlert"]] = models.Manager()

    class Meta:
        ordering = ["session", "reading__at", "id"]
        indexes = [models.Index(fields=["session", "raised_at"])]

    def __str__(self) -> str:
        return self.code


class DoseAdministration(models.Model):
    """A dose given (FHIR MedicationAdministration); a supplemental dose is another row."""

    session = models.ForeignKey(MedicineSession, on_delete=models.PROTECT, related_name="doses")
    order = models.ForeignKey(DoseOrder, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    route = models.CharField(max_length=15, choices=choices(ROUTE_LABELS))
    dose_mg = models.DecimalField(max_digits=7, decimal_places=2)
    lot = models.CharField(max_length=60)
    administered_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[models.Manager["DoseAdministration"]] = models.Manager()

    class Meta:
        ordering = ["session", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(dose_mg__gt=0), name="dose_positive"),
            models.CheckConstraint(condition=Q(route__in=values(Route)), name="dose_route"),
            models.CheckConstraint(condition=~Q(lot=""), name="dose_lot_present"),
        ]
        indexes = [models.Index(fields=["session", "at"])]

    def __str__(self) -> str:
        return f"{self.dose_mg} mg {self.route}"


class Observation(models.Model):
    """Dissociation (0-10 clinician rating), sedation (MOAA/S 0-5), notes, what emerged."""

    session = models.ForeignKey(
        MedicineSession, on_delete=models.PROTECT, related_name="observations"
    )
    at = models.DateTimeField()
    dissociation = models.PositiveSmallIntegerField(null=True, blank=True)
    sedation = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    emerged = models.TextField(blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[models.Manager["Observation"]] = models.Manager()

    class Meta:
        ordering = ["session", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissociation__isnull=True) | Q(dissociation__lte=10),
                name="observation_dissociation_range",
            ),
            models.CheckConstraint(
                condition=Q(sedation__isnull=True) | Q(sedation__lte=5),
                name="observation_sedation_range",
            ),
        ]
        indexes = [models.Index(fields=["session", "at"])]

    def __str__(self) -> str:
        return f"observation at {self.at:%H:%M}"


class AdverseEvent(models.Model):
    session = models.ForeignKey(
        MedicineSession, on_delete=models.PROTECT, related_name="adverse_events"
    )
    at = models.DateTimeField()
    kind = models.CharField(max_length=30, choices=choices(ADVERSE_EVENT_LABELS))
    severity = models.CharField(max_length=10, choices=choices(SEVERITY_LABELS))
    action = models.TextField()
    provider_notified = models.BooleanField(default=False)
    # When the e-mail to the medical provider(s) went out (serious events).
    notification_sent_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[models.Manager["AdverseEvent"]] = models.Manager()

    class Meta:
        ordering = ["session", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(AdverseEventKind)), name="adverse_event_kind"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=values(AdverseEventSeverity)),
                name="adverse_event_severity",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "at"]),
            models.Index(fields=["severity", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.severity})"

    @property
    def serious(self) -> bool:
        return self.severity == AdverseEventSeverity.SERIOUS


class Signature(models.Model):
    session = models.ForeignKey(
        MedicineSession, on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(max_length=20, choices=choices(SIGNER_ROLE_LABELS))
    signed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    objects: ClassVar[models.Manager["Signature"]] = models.Manager()

    class Meta:
        ordering = ["session", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "role"], name="signature_one_per_role"),
            models.CheckConstraint(condition=Q(role__in=values(SignerRole)), name="signature_role"),
        ]

    def __str__(self) -> str:
        return f"signed as {self.role}"


class Addendum(models.Model):
    session = models.ForeignKey(MedicineSession, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    written_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    objects: ClassVar[models.Manager["Addendum"]] = models.Manager()

    class Meta:
        ordering = ["session", "written_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="addendum_not_blank")]

    def __str__(self) -> str:
        return f"addendum at {self.written_at:%Y-%m-%d %H:%M}"


class PracticeMedicineSettings(models.Model):
    """A practice's changes to the medicine-session thresholds.

    ``overrides`` maps a setting name of ``practice_settings.SETTING_NAMES`` to
    ``{"value": ..., "source": "..."}``; it is validated by ``practice_settings`` before
    it is saved, and a setting not in it keeps the ``SessionPolicy`` default.
    """

    practice = models.OneToOneField(
        "people.Practice", on_delete=models.CASCADE, related_name="medicine_settings"
    )
    overrides = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["PracticeMedicineSettings"]] = models.Manager()

    def __str__(self) -> str:
        return f"medicine settings of practice {self.practice_id}"
