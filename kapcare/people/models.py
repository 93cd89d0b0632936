"""The practice, its places and its people."""

import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace

from kapcare.core.choices import choices, values
from kapcare.people.emergency.rules import DEFAULT_HOURS as EMERGENCY_DEFAULT_HOURS
from kapcare.people.emergency.rules import HOURS_RANGE as EMERGENCY_HOURS_RANGE
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from kapcare.people.states import STATE_CHOICES, US_STATES
from kapcare.people.vocabulary import (
    CARE_TEAM_CHANGE_KIND_LABELS,
    CLIENT_STATUS_LABELS,
    ROOM_KIND_LABELS,
    CareTeamChangeKind,
    ClientStatus,
    RoomKind,
)

_STATE_CODES = list(US_STATES)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. America/New_York).")


npi_validator = RegexValidator(r"^\d{10}$", "An NPI is exactly 10 digits.")


class StateField(models.CharField):  # type: ignore[type-arg]
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("choices", STATE_CHOICES)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


IDLE_TIMEOUT_RANGE = (2, 60)  # minutes; ONC 170.315(d)(5) leaves the length to the practice


class Practice(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # Automatic log-off (people/idle_timeout.py): minutes without activity before everyone
    # signed in for this practice, staff and portal clients, is signed out.
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[
            MinValueValidator(IDLE_TIMEOUT_RANGE[0]),
            MaxValueValidator(IDLE_TIMEOUT_RANGE[1]),
        ],
        help_text="Minutes without activity before a person is signed out (2 to 60).",
    )
    # Emergency access (people/emergency/): how long a clinician off the care team may
    # keep a record open once they have given their reason.
    emergency_access_hours = models.PositiveSmallIntegerField(
        default=EMERGENCY_DEFAULT_HOURS,
        validators=[
            MinValueValidator(EMERGENCY_HOURS_RANGE[0]),
            MaxValueValidator(EMERGENCY_HOURS_RANGE[1]),
        ],
        help_text="Hours an emergency access to a record lasts before it ends by itself (1 to 12).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(idle_timeout_minutes__gte=IDLE_TIMEOUT_RANGE[0])
                & Q(idle_timeout_minutes__lte=IDLE_TIMEOUT_RANGE[1]),
                name="practice_idle_timeout_range",
            ),
            models.CheckConstraint(
                condition=Q(emergency_access_hours__gte=EMERGENCY_HOURS_RANGE[0])
                & Q(emergency_access_hours__lte=EMERGENCY_HOURS_RANGE[1]),
                name="practice_emergency_access_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(max_length=100)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = StateField()
    postal_code = models.CharField(max_length=10)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    phone = models.CharField(max_length=30, blank=True)
    offers_medicine_sessions = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="location_name_unique"),
            models.CheckConstraint(
                condition=Q(state__in=_STATE_CODES), name="location_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    Kind = RoomKind

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=choices(ROOM_KIND_LABELS))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="room_name_unique"),
            models.CheckConstraint(condition=Q(kind__in=values(RoomKind)), name="room_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.location.name} — {self.name}"


class StaffMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="staff")
    credentials = models.CharField(max_length=50, blank=True, help_text="e.g. LPC, MD, RN")
    npi = models.CharField("NPI", max_length=10, blank=True, validators=[npi_validator])
    # The clinician's own video room (their telehealth service's fixed link): the portal
    # and the reminder show it for their video sessions. Set by the person or front desk
    # (``scheduling.services.video_room``); only https.
    video_room_url = models.URLField(
        "video room link", max_length=300, blank=True, validators=[URLValidator(schemes=["https"])]
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(npi="") | Q(npi__regex=r"^[0-9]{10}$"), name="staff_npi_10_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(self.user.full_name)

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class StaffRole(models.Model):
    """One role a staff member holds; a person may hold several."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in Role])

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "role"], name="staff_role_unique"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="staff_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["role", "staff"])]

    def __str__(self) -> str:
        return self.role


class StaffLicense(models.Model):
    """A state where the staff member may practise (licence or compact privilege)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="licenses")
    state = StateField()
    kind = models.CharField(max_length=50, blank=True, help_text="e.g. LPC, PsyD, MD")
    number = models.CharField(max_length=50, blank=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["state"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "state"], name="staff_license_state_unique"),
            models.CheckConstraint(
                condition=Q(state__in=_STATE_CODES), name="staff_license_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.state)


PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "+")


def _without(column: str, characters: tuple[str, ...]) -> Replace:
    expression: Replace | str = column
    for character in characters:
        expression = Replace(expression, Value(character))
    return expression  # type: ignore[return-value]


class Client(models.Model):
    Status = ClientStatus
    # The pathway stage is not stored: it is derived from the record
    # (``people.stage`` and ``people.stage_query``, ADR 0017).

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    legal_given_name = models.CharField(max_length=100)
    legal_family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    phone_digits = models.GeneratedField(
        # The phone's digits alone, so a search for "6105550123" finds "(610) 555-0123"
        # (people.search); written by the database, portable (nested REPLACE).
        expression=_without("phone", PHONE_PUNCTUATION),
        output_field=models.CharField(max_length=30),
        db_persist=True,
    )
    home_state = StateField()
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    status = models.CharField(
        max_length=10, choices=choices(CLIENT_STATUS_LABELS), default=ClientStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager["Client"]] = models.Manager()

    class Meta:
        ordering = ["legal_family_name", "legal_given_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=values(ClientStatus)), name="client_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(home_state__in=_STATE_CODES), name="client_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "legal_family_name", "legal_given_name"]),
            models.Index(fields=["practice", "status"]),
            models.Index(fields=["practice", "date_of_birth"], name="people_client_born_idx"),
        ]

    def __str__(self) -> str:
        # Used in admin and audit displays; kept to the chart name.
        return self.display_name

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.legal_given_name
        return f"{given} {self.legal_family_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_given_name} {self.legal_family_name}"

    @property
    def initials(self) -> str:
        given = self.preferred_name or self.legal_given_name
        return f"{given[:1]}{self.legal_family_name[:1]}".upper()


class CareTeamMember(models.Model):
    """A staff member's place on a client's care team."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="care_team")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="care_teams")
    role = models.CharField(
        max_length=20, choices=[(r.value, r.label) for r in Role if r in CARE_TEAM_ROLES]
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "staff__user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["client", "staff"], name="care_team_member_unique"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role if r in CARE_TEAM_ROLES]),
                name="care_team_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["staff", "client"])]

    def __str__(self) -> str:
        return f"{self.staff} ({self.role})"


_TEAM_ROLE_CHOICES = [(r.value, r.label) for r in Role if r in CARE_TEAM_ROLES]


class CareTeamChange(models.Model):
    """One change to a client's care team: who joined or left, in which role, who made the
    change, when and why. Append-only: the history of the team, shown on the chart.

    The audit trail has its own event for each change; this row is the record's own account,
    which the care team reads (the audit trail is the privacy officer's).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="team_changes")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=_TEAM_ROLE_CHOICES)
    change = models.CharField(max_length=10, choices=choices(CARE_TEAM_CHANGE_KIND_LABELS))
    reason = models.TextField(max_length=500)
    changed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    objects: ClassVar[models.Manager["CareTeamChange"]] = models.Manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(change__in=values(CareTeamChangeKind)), name="care_team_change_valid"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role if r in CARE_TEAM_ROLES]),
                name="care_team_change_role_valid",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="care_team_change_has_reason"),
        ]
        indexes = [models.Index(fields=["client", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.change} {self.staff_id} ({self.role}) on client {self.client_id}"


class ClientAccount(models.Model):
    """A client's own sign-in to the portal: one user, one client (the client role).

    Its user holds no staff record (``portal.services`` refuses to link one), so a
    signed-in person is either staff or a client, never both. Ending portal access
    sets ``ended_at``; the row is kept so the audit trail's user keeps its meaning.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="client_account"
    )
    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="portal_account")
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["ClientAccount"]] = models.Manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("created_at")),
                name="client_account_ended_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"portal account of client {self.client_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class EmergencyAccess(models.Model):
    """A staff member's emergency access to one client's record ("break the glass").

    Asked with a reason by someone off the care team (``people.emergency``), it opens the
    record to them alone until ``ends_at``, when it ends by itself; every read meanwhile
    is audited as an emergency read. The privacy officer is told at once and reviews it.
    The row is kept after it ends: it is what the review is about.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            # The access check: this person's open grant on this client (every request).
            models.Index(fields=["staff", "client", "ends_at"], name="emergency_staff_client"),
            # The privacy officer's list: the practice's, newest first.
            models.Index(fields=["practice", "-starts_at"], name="emergency_practice_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="emergency_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="emergency_reviewed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Emergency access #{self.pk}"
