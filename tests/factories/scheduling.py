"""Scheduling: appointments (with the staff booked on them), hours, time off, feeds,
reminders, the practice's settings.

``AppointmentFactory`` writes an appointment directly, as a fixture, the way the many
tests that need "an appointment already in the calendar" used to by hand; the booking
rules have their own tests. ``staff=[...]`` books those staff members on all of it.
"""

import datetime as dt
from collections.abc import Sequence

import factory

from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.models import (
    Appointment,
    AppointmentStaff,
    CalendarFeed,
    PracticeSchedulingSettings,
    ReminderSent,
    TimeOff,
    WorkingHours,
)
from tests.factories._base import RECORDED_AT
from tests.factories.people import (
    ClientFactory,
    LocationFactory,
    PracticeFactory,
    RoomFactory,
    StaffFactory,
)


def _practice_staff(path: str, role: Role) -> factory.SubFactory:
    """A staff member of the practice at ``path`` (from the row being built)."""
    return factory.SubFactory(StaffFactory, practice=factory.SelfAttribute(path), roles=[role])


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    kind = "therapy"
    modality = "in_person"
    start = RECORDED_AT + dt.timedelta(days=7)
    end = factory.LazyAttribute(lambda a: a.start + dt.timedelta(minutes=50))
    location = factory.SubFactory(
        LocationFactory, practice=factory.SelfAttribute("..client.practice")
    )
    room = factory.SubFactory(
        RoomFactory,
        location=factory.SelfAttribute("..location"),
        kind=factory.LazyAttribute(
            lambda r: RoomKind.MEDICINE if r.factory_parent.kind == "medicine" else RoomKind.THERAPY
        ),
    )
    status = "booked"
    created_by = _practice_staff("..client.practice", Role.FRONT_DESK)
    created_at = RECORDED_AT
    status_changed_by = factory.LazyAttribute(
        lambda a: None if a.status == "booked" else a.created_by
    )
    status_changed_at = factory.LazyAttribute(lambda a: None if a.status == "booked" else a.start)

    @factory.post_generation
    def staff(
        obj: Appointment, create: bool, extracted: Sequence[StaffMember] | None, **kw: object
    ) -> None:
        for member in extracted or ():
            AppointmentStaff.objects.create(
                appointment=obj, staff=member, start=obj.start, end=obj.end, status=obj.status
            )


class AppointmentStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentStaff

    appointment = factory.SubFactory(AppointmentFactory)
    staff = _practice_staff("..appointment.client.practice", Role.THERAPIST)
    start = factory.SelfAttribute("appointment.start")
    end = factory.SelfAttribute("appointment.end")
    status = factory.SelfAttribute("appointment.status")


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    staff = factory.SubFactory(StaffFactory, roles=[Role.THERAPIST])
    location = factory.SubFactory(
        LocationFactory, practice=factory.SelfAttribute("..staff.practice")
    )
    weekday = 0
    start_time = dt.time(9)
    end_time = dt.time(17)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    staff = factory.SubFactory(StaffFactory, roles=[Role.THERAPIST])
    start = RECORDED_AT + dt.timedelta(days=14)
    end = factory.LazyAttribute(lambda t: t.start + dt.timedelta(days=1))
    reason = "Away"
    created_by = factory.SelfAttribute("staff")
    created_at = RECORDED_AT


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    staff = factory.SubFactory(StaffFactory, roles=[Role.THERAPIST])
    secret_digest = factory.Sequence(lambda n: f"{n:064x}")
    created_at = RECORDED_AT


class ReminderSentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderSent

    appointment = factory.SubFactory(AppointmentFactory)
    recipient = "client"
    staff = None
    appointment_start = factory.SelfAttribute("appointment.start")
    sent_at = factory.LazyAttribute(lambda r: r.appointment_start - dt.timedelta(hours=24))


class PracticeSchedulingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeSchedulingSettings
        django_get_or_create = ("practice",)

    practice = factory.SubFactory(PracticeFactory)
    overrides = factory.LazyFunction(dict)
    reminder_hours_before = 24
