"""The practice, its places and its people."""

import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from kapcare.core.choices import choices, values
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from kapcare.people.states import STATE_CHOICES, US_STATES
from kapcare.people.vocabulary import (
    CLIENT_STATUS_LABELS,
    ROOM_KIND_LABELS,
    STAGE_LABELS,
    ClientStatus,
    PathwayStage,
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


class Practice(models.Model):
    name = models.CharField(max_length=200, unique=True)

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


class Client(models.Model):
    Status = ClientStatus
    Stage = PathwayStage

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    legal_given_name = models.CharField(max_length=100)
    legal_family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    home_state = StateField()
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    status = models.CharField(
        max_length=10, choices=choices(CLIENT_STATUS_LABELS), default=ClientStatus.ACTIVE
    )
    stage = models.CharField(
        max_length=20, choices=choices(STAGE_LABELS), default=PathwayStage.CONSULTATION
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
                condition=Q(stage__in=values(PathwayStage)),
                name="client_stage_valid",
            ),
            models.CheckConstraint(
                condition=Q(home_state__in=_STATE_CODES), name="client_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "legal_family_name", "legal_given_name"]),
            models.Index(fields=["practice", "status"]),
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
