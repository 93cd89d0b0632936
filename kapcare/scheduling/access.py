"""How a page, API endpoint or service reaches an appointment or a staff member's schedule.

An appointment is a client's record: reached through ``people.access`` (missing, of
another practice and not allowed answer the same audited 404). Working hours and time
off are staff data: anyone on the practice's staff reads working hours, the person and
front desk change them (``people.policy.may_manage_staff_schedules``); a refusal is
audited and looks like a missing record.
"""

import datetime as dt

from django.db.models import QuerySet

from kapcare.audit.models import AuditAction
from kapcare.core.ids import is_record_id
from kapcare.people.access import Actor, MonitoredSession, access_record, deny
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Category, may_manage_staff_schedules
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = [
    "access_appointment",
    "access_staff",
    "may_change_schedule",
    "medicine_bookings",
]


def access_appointment(
    actor: Actor,
    appointment_id: int,
    *,
    action: AuditAction = AuditAction.READ,
    detail: str = "appointment",
    records: QuerySet[Appointment] | None = None,
) -> tuple[Appointment, Client]:
    """An appointment and its client, if the actor may ``action`` the client's schedule.

    ``records`` says what to load with it (``select_related``, ``prefetch_related``).
    """
    return access_record(
        actor,
        records if records is not None else Appointment.objects.all(),
        appointment_id,
        Category.SCHEDULE,
        action=action,
        detail=detail,
    )


def may_change_schedule(actor: Actor, staff_id: int) -> bool:
    """Whether the actor may change this staff member's working hours and time off."""
    return (actor.staff is not None and actor.staff.pk == staff_id) or may_manage_staff_schedules(
        actor.roles
    )


def access_staff(actor: Actor, staff_id: int, *, change: bool, detail: str) -> StaffMember:
    """The staff member of the actor's practice, if the actor may read (or change) them.

    Not found and not allowed look the same (404) and the refusal is audited.
    """
    action = AuditAction.UPDATE if change else AuditAction.READ
    member = (
        StaffMember.objects.filter(pk=staff_id, practice_id=actor.staff.practice_id)
        .select_related("user")
        .first()
        if actor.staff is not None and is_record_id(staff_id)
        else None
    )
    if member is None or (change and not may_change_schedule(actor, staff_id)):
        raise deny(actor, category=Category.SCHEDULE, action=action, detail=detail)
    return member


def medicine_bookings(
    staff: StaffMember, start: dt.datetime, end: dt.datetime
) -> list[MonitoredSession]:
    """The staff member's medicine sessions starting in ``[start, end)``, not cancelled.

    Registered with ``people.access`` (``SchedulingConfig.ready``): a monitor sees the
    clients of the sessions they are booked on that day.
    """
    return [
        MonitoredSession(client_id=client_id, start=at, time_zone=zone)
        for client_id, at, zone in AppointmentStaff.objects.filter(
            staff=staff,
            appointment__kind=AppointmentKind.MEDICINE.value,
            start__gte=start,
            start__lt=end,
        )
        .exclude(status=AppointmentStatus.CANCELLED.value)
        .values_list("appointment__client_id", "start", "appointment__location__time_zone")
    ]
