"""Session notes (with addenda), the supervision setting, parts and their appearances,
EMDR targets and sessions, and psychotherapy notes (ciphertext only).

Enums and ranges are ``CheckConstraint``s too; rows change only through
``notes.services``, which checks permission and the rules and writes the audit trail.
A session note's state is derived from its signatures (``rules.state_of``), never typed.
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from kapcare.core.choices import choices, values
from kapcare.notes.vocabulary import (
    BLS_LABELS,
    CLOSURE_LABELS,
    EMDR_PHASE_LABELS,
    NOTE_KIND_LABELS,
    PERMISSION_LABELS,
    PRONG_LABELS,
    RISK_LABELS,
    ROLE_LABELS,
    BilateralStimulation,
    Closure,
    EmdrPhase,
    NoteKind,
    PartRole,
    Permission,
    Prong,
    RiskLevel,
)
from kapcare.people.models import Client, StaffMember
from kapcare.scheduling.models import Appointment


class SessionNote(models.Model):
    """A clinician's progress note of one appointment (FHIR: a DocumentReference)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="session_notes")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="session_notes"
    )
    kind = models.CharField(max_length=12, choices=choices(NOTE_KIND_LABELS))
    author = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(blank=True)
    risk_level = models.CharField(max_length=10, choices=choices(RISK_LABELS), blank=True)
    risk_notes = models.TextField(blank=True)
    self_energy = models.JSONField(default=list, blank=True)
    held_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    interactive_complexity = models.BooleanField(default=False)
    # None until the clinician chooses codes: the proposal stands (fixed at signing).
    cpt_codes = models.JSONField(null=True, blank=True, default=None)
    cpt_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    # Fixed at signing from the author's supervision setting; null: none needed.
    cosigner = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["SessionNote"]] = models.Manager()

    class Meta:
        ordering = ["client", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(NoteKind)), name="session_note_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(risk_level="") | Q(risk_level__in=values(RiskLevel)),
                name="session_note_risk_valid",
            ),
            models.CheckConstraint(
                condition=Q(cosigned_at__isnull=True)
                | Q(cosigner__isnull=False, signed_at__isnull=False),
                name="session_note_cosigned_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(cosigner__isnull=True) | Q(signed_at__isnull=False),
                name="session_note_cosigner_at_signing",
            ),
            models.UniqueConstraint(
                fields=["appointment", "author"], name="session_note_one_per_author"
            ),
        ]
        indexes = [
            models.Index(fields=["author", "signed_at", "created_at"]),
            models.Index(fields=["cosigner", "cosigned_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} note {self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class NoteAddendum(models.Model):
    """A later addition to a signed note; the note itself stays as it was signed."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    written_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    objects: ClassVar[models.Manager["NoteAddendum"]] = models.Manager()

    class Meta:
        ordering = ["note", "written_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="note_addendum_not_blank")
        ]

    def __str__(self) -> str:
        return f"addendum {self.pk} to note {self.note_id}"


class NoteSupervision(models.Model):
    """A staff setting: this clinician's notes need their supervisor's co-signature."""

    staff = models.OneToOneField(
        StaffMember, on_delete=models.CASCADE, related_name="note_supervision"
    )
    supervisor = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    set_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    objects: ClassVar[models.Manager["NoteSupervision"]] = models.Manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(staff=models.F("supervisor")), name="note_supervision_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} supervised by {self.supervisor_id}"


class Part(models.Model):
    """A part of the client (IFS), as the client and therapist come to know it."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="parts")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=12, choices=choices(ROLE_LABELS))
    body_location = models.CharField(max_length=200, blank=True)
    age_it_feels = models.CharField(max_length=50, blank=True)
    burdens = models.TextField(blank=True)
    fears = models.TextField(blank=True)
    feeling_toward = models.CharField(max_length=500, blank=True)
    permission = models.CharField(
        max_length=10, choices=choices(PERMISSION_LABELS), default=Permission.NOT_ASKED.value
    )
    unburdening_steps = models.JSONField(default=list, blank=True)
    protects: "models.ManyToManyField[Part, models.Model]" = models.ManyToManyField(
        "self", symmetrical=False, related_name="protected_by", blank=True
    )
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects: ClassVar[models.Manager["Part"]] = models.Manager()

    class Meta:
        ordering = ["client", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=values(PartRole)), name="part_role_valid"),
            models.CheckConstraint(
                condition=Q(permission__in=values(Permission)), name="part_permission_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="part_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"part {self.pk}"


class PartAppearance(models.Model):
    """A part that appeared in a session, and what shifted for it."""

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="appearances")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="appearances")
    what_shifted = models.TextField(blank=True)

    objects: ClassVar[models.Manager["PartAppearance"]] = models.Manager()

    class Meta:
        ordering = ["note", "id"]
        constraints = [
            models.UniqueConstraint(fields=["note", "part"], name="part_appearance_once_per_note")
        ]
        indexes = [models.Index(fields=["part", "note"])]

    def __str__(self) -> str:
        return f"part {self.part_id} in note {self.note_id}"


class EmdrTarget(models.Model):
    """An EMDR target as first assessed (phase 3): its SUD and VOC then."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="emdr_targets")
    image = models.TextField()
    negative_cognition = models.CharField(max_length=300)
    positive_cognition = models.CharField(max_length=300)
    voc = models.PositiveSmallIntegerField()
    emotion = models.CharField(max_length=200)
    sud = models.PositiveSmallIntegerField()
    body_location = models.CharField(max_length=200, blank=True)
    prong = models.CharField(max_length=8, choices=choices(PRONG_LABELS))
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager["EmdrTarget"]] = models.Manager()

    class Meta:
        ordering = ["client", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(voc__gte=1, voc__lte=7), name="emdr_target_voc"),
            models.CheckConstraint(condition=Q(sud__gte=0, sud__lte=10), name="emdr_target_sud"),
            models.CheckConstraint(
                condition=Q(prong__in=values(Prong)), name="emdr_target_prong_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"EMDR target {self.pk}"


class EmdrSession(models.Model):
    """Work on one target in one session: phase reached, SUD and VOC, stimulation, closure."""

    target = models.ForeignKey(EmdrTarget, on_delete=models.PROTECT, related_name="sessions")
    note = models.ForeignKey(
        SessionNote, on_delete=models.PROTECT, related_name="emdr_sessions", null=True, blank=True
    )
    held_at = models.DateTimeField()
    phase_reached = models.CharField(max_length=16, choices=choices(EMDR_PHASE_LABELS))
    sud_start = models.PositiveSmallIntegerField()
    sud_end = models.PositiveSmallIntegerField()
    voc_start = models.PositiveSmallIntegerField()
    voc_end = models.PositiveSmallIntegerField()
    bls_type = models.CharField(max_length=14, choices=choices(BLS_LABELS))
    bls_sets = models.PositiveSmallIntegerField()
    closure = models.CharField(max_length=10, choices=choices(CLOSURE_LABELS))
    # Reevaluation (phase 8) of the target worked on before this one: its SUD now.
    reevaluated_target = models.ForeignKey(
        EmdrTarget, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reevaluation_sud = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects: ClassVar[models.Manager["EmdrSession"]] = models.Manager()

    class Meta:
        ordering = ["target", "held_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sud_start__lte=10, sud_end__lte=10), name="emdr_session_sud"
            ),
            models.CheckConstraint(
                condition=Q(voc_start__gte=1, voc_start__lte=7, voc_end__gte=1, voc_end__lte=7),
                name="emdr_session_voc",
            ),
            models.CheckConstraint(
                condition=Q(phase_reached__in=values(EmdrPhase)), name="emdr_session_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(bls_type__in=values(BilateralStimulation)),
                name="emdr_session_bls_valid",
            ),
            models.CheckConstraint(
                condition=Q(closure__in=values(Closure)), name="emdr_session_closure_valid"
            ),
            models.CheckConstraint(
                condition=Q(reevaluation_sud__isnull=True)
                | Q(reevaluation_sud__lte=10, reevaluated_target__isnull=False),
                name="emdr_session_reevaluation",
            ),
        ]
        indexes = [models.Index(fields=["target", "held_at"])]

    def __str__(self) -> str:
        return f"EMDR session {self.pk}"


class PsychotherapyNote(models.Model):
    """A clinician's process note (45 CFR 164.501): only its ciphertext is stored.

    AES-256-GCM (``notes.crypto``); the associated data binds the ciphertext to its
    client and author, so a ciphertext copied onto another row does not open.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="psychotherapy_notes")
    author = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    key_id = models.CharField(max_length=16)
    nonce = models.BinaryField(max_length=12)
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager["PsychotherapyNote"]] = models.Manager()

    class Meta:
        ordering = ["client", "author", "created_at", "id"]
        indexes = [models.Index(fields=["client", "author", "created_at"])]

    def __str__(self) -> str:
        return f"psychotherapy note {self.pk}"
