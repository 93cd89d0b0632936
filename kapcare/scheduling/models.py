"""Appointments, staff working hours and time off, calendar feeds, reminders, settings.

Every enum and range is a ``CheckConstraint``; on PostgreSQL the migration adds
exclusion constraints (``btree_gist``) so that no room, client or staff member is ever
booked twice for overlapping times among non-cancelled appointments, whatever the
application does. The vocabularies are ``scheduling.vocabulary``.
Changes happen only through ``scheduling.services``.
"""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from kapcare.core.choices import choices, values
from kapcare.people.models import Client, Location, Room, StaffMember
from kapcare.people.states import US_STATES
from kapcare.scheduling.vocabulary import (
    KIND_LABELS,
    MODALITY_LABELS,
    REMINDER_RECIPIENT_LABELS,
    STATUS_LABELS,
    AppointmentKind,
    AppointmentStatus,
    Modality,
    ReminderRecipient,
)

_STATE_CODES = list(US_STATES)


class Appointment(models.Model):
    """A booked session (FHIR Appointment); made and changed only by the booking service."""

    Kind = AppointmentKind
    Status = AppointmentStatus

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=15, choices=choices(KIND_LABELS))
    modality = models.CharField(max_length=10, choices=choices(MODALITY_LABELS))
    start = models.DateTimeField()
    end = models.DateTimeField()
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="appointments", null=True, blank=True
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="appointments", null=True, blank=True
    )
    status = models.CharField(
        max_length=10, choices=choices(STATUS_LABELS), default=AppointmentStatus.BOOKED.value
    )
    status_reason = models.CharField(max_length=200, blank=True)
    status_changed_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    client_location_state = models.CharField(max_length=2, blank=True)
    # Where the client said they are, at the start of a virtual session (the portal);
    # the state goes in ``client_location_state``, which the licensure rule reads.
    client_location_city = models.CharField(max_length=100, blank=True)
    client_location_confirmed_at = models.DateTimeField(null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="follow_ups", null=True, blank=True
    )
    # Booked by a staff member, or by the client in the portal (``booked_by_client``).
    created_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    booked_by_client = models.BooleanField(default=False)
    # Cancelled by the client in the portal (then no staff member changed the status).
    status_changed_by_client = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    staff: "models.ManyToManyField[StaffMember, AppointmentStaff]" = models.ManyToManyField(
        StaffMember, through="AppointmentStaff", related_name="appointments"
    )

    objects: ClassVar[models.Manager["Appointment"]] = models.Manager()

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(AppointmentKind)), name="appointment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(modality__in=values(Modality)), name="appointment_modality_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=values(AppointmentStatus)),
                name="appointment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(modality=Modality.TELEHEALTH.value)
                | Q(location__isnull=False, room__isnull=False),
                name="appointment_in_person_has_room",
            ),
            models.CheckConstraint(
                condition=Q(client_location_state="") | Q(client_location_state__in=_STATE_CODES),
                name="appointment_client_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=AppointmentStatus.BOOKED.value)
                | Q(status_changed_by__isnull=False)
                | Q(status=AppointmentStatus.CANCELLED.value, status_changed_by_client=True),
                name="appointment_status_change_recorded",
            ),
            models.CheckConstraint(
                condition=Q(created_by__isnull=False) | Q(booked_by_client=True),
                name="appointment_booking_recorded",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "start"]),
            models.Index(fields=["location", "start"]),
            models.Index(fields=["room", "start"]),
            models.Index(fields=["start", "end"]),
            # The booking check's room conflicts: a room's live appointments ending after a
            # time are its future ones, a handful, however long the practice's history.
            models.Index(
                fields=["room", "end"],
                condition=~Q(status=AppointmentStatus.CANCELLED.value),
                name="appointment_room_busy_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.start:%Y-%m-%d %H:%M} ({self.status})"


class AppointmentStaff(models.Model):
    """A staff member on an appointment, with copies of its time and status.

    The copies let PostgreSQL forbid overlapping bookings of one person with an
    exclusion constraint; the booking service keeps them equal to the appointment's.
    """

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="staff_links"
    )
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="bookings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=choices(STATUS_LABELS))

    objects: ClassVar[models.Manager["AppointmentStaff"]] = models.Manager()

    class Meta:
        ordering = ["appointment", "staff"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "staff"], name="appointment_staff_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=values(AppointmentStatus)),
                name="appointment_staff_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_staff_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "start"]),
            # The booking check's staff conflicts, as ``appointment_room_busy_until``.
            models.Index(
                fields=["staff", "end"],
                condition=~Q(status=AppointmentStatus.CANCELLED.value),
                name="appointment_staff_busy_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} on {self.appointment_id}"


# --- staff availability, calendar feeds, reminders, practice settings ---------------------


class WorkingHours(models.Model):
    """A weekly window when a staff member works at a location (local wall-clock time)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="working_hours")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday, 6 is Sunday (ISO order).")
    start_time = models.TimeField()
    end_time = models.TimeField()

    objects: ClassVar[models.Manager["WorkingHours"]] = models.Manager()

    class Meta:
        ordering = ["staff", "weekday", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="working_hours_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["staff", "weekday"])]

    def __str__(self) -> str:
        return f"{self.staff_id} day {self.weekday} {self.start_time}-{self.end_time}"


class TimeOff(models.Model):
    """A span when a staff member cannot be booked (holiday, training, illness)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager["TimeOff"]] = models.Manager()

    class Meta:
        ordering = ["staff", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="time_off_end_after_start")
        ]
        indexes = [models.Index(fields=["staff", "start"]), models.Index(fields=["staff", "end"])]

    def __str__(self) -> str:
        return f"{self.staff_id} away {self.start:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """A staff member's iCalendar feed; the URL's secret is stored only as its SHA-256.

    Rotating revokes the current feed and makes a new one; at most one is live per person.
    """

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="calendar_feeds")
    secret_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["CalendarFeed"]] = models.Manager()

    class Meta:
        ordering = ["staff", "-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_live_per_staff",
            )
        ]

    def __str__(self) -> str:
        return f"feed of {self.staff_id} ({'revoked' if self.revoked_at else 'live'})"


class ReminderSent(models.Model):
    """One reminder e-mail sent: unique per appointment, recipient and appointment start.

    The start is part of the key, so a rescheduled appointment is reminded of again at
    its new time, and a reminder is never sent twice for the same time.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.CharField(max_length=10, choices=choices(REMINDER_RECIPIENT_LABELS))
    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    appointment_start = models.DateTimeField()
    sent_at = models.DateTimeField()

    objects: ClassVar[models.Manager["ReminderSent"]] = models.Manager()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__in=values(ReminderRecipient)),
                name="reminder_recipient_valid",
            ),
            models.CheckConstraint(
                condition=Q(recipient=ReminderRecipient.CLIENT.value, staff__isnull=True)
                | Q(recipient=ReminderRecipient.STAFF.value, staff__isnull=False),
                name="reminder_staff_matches_recipient",
            ),
            models.UniqueConstraint(
                fields=["appointment", "appointment_start"],
                condition=Q(recipient=ReminderRecipient.CLIENT.value),
                name="reminder_once_per_client_start",
            ),
            models.UniqueConstraint(
                fields=["appointment", "staff", "appointment_start"],
                condition=Q(recipient=ReminderRecipient.STAFF.value),
                name="reminder_once_per_staff_start",
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.recipient} for {self.appointment_id}"


class PracticeSchedulingSettings(models.Model):
    """A practice's changes to the booking-rule defaults, and its reminder lead time.

    ``overrides`` maps a setting name of ``practice_settings.SETTING_NAMES`` to
    ``{"value": ..., "source": "..."}``; it is validated by ``practice_settings`` before
    it is saved, and a setting not in it keeps the default of ``policy.DEFAULT_POLICY``.
    """

    practice = models.OneToOneField(
        "people.Practice", on_delete=models.CASCADE, related_name="scheduling_settings"
    )
    overrides = models.JSONField(default=dict, blank=True)
    reminder_hours_before = models.PositiveSmallIntegerField(default=24)
    updated_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["PracticeSchedulingSettings"]] = models.Manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_hours_before__gte=1, reminder_hours_before__lte=336),
                name="scheduling_settings_reminder_range",
            )
        ]

    def __str__(self) -> str:
        return f"scheduling settings of {self.practice_id}"
