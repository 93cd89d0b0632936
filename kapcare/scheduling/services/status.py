"""Marking an appointment completed, cancelled or a no-show, with who and why."""

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TypedDict

from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django_stubs_ext import WithAnnotations

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.json_rows import rows_of
from kapcare.people.access import Actor, lock_client, staff_of
from kapcare.people.models import StaffMember
from kapcare.people.policy import Category
from kapcare.scheduling.access import access_appointment
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.vocabulary import (
    AppointmentStatus,
)

__all__ = ["MAX_REASON_LENGTH", "StatusChanged", "record_held", "set_appointment_status"]

MAX_REASON_LENGTH = 200

_STARTED_ONLY = frozenset({AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW})


@dataclass(frozen=True)
class StatusChanged:
    appointment: Appointment
    staff_ids: tuple[int, ...]
    """Its staff, read with it under the lock (an answer needs no second read)."""


def set_appointment_status(
    *,
    actor: Actor,
    appointment_id: int,
    status: AppointmentStatus,
    reason: str,
    now: dt.datetime,
) -> StatusChanged:
    """Mark a booked appointment completed, cancelled or a no-show, with who and why.

    ``completed`` and ``no_show`` only once the appointment has started. A status, once
    changed from ``booked``, is final: book again rather than reviving a slot.
    """
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    _, client = access_appointment(actor, appointment_id, action=AuditAction.UPDATE)
    client_id = client.pk
    if len(reason) > MAX_REASON_LENGTH:
        raise FieldError("reason", f"Keep the reason to {MAX_REASON_LENGTH} characters.")
    if status is AppointmentStatus.BOOKED:
        raise FieldError("status", "An appointment cannot be set back to booked: book it again.")
    with transaction.atomic():
        lock_client(client_id)
        # Read again under the client's lock (it may have changed since access read it),
        # with its staff as a JSON column for the answer.
        appointment = _with_staff().get(pk=appointment_id)
        if appointment.status != AppointmentStatus.BOOKED.value:
            raise FieldError(
                "status", f"This appointment is already {appointment.status}; it cannot change."
            )
        if status in _STARTED_ONLY and appointment.start > now:
            raise FieldError(
                "status",
                f"An appointment can be marked {status.value} only once it has started.",
            )
        _apply(actor, appointment, status, reason=reason, staff=staff, now=now)
    return StatusChanged(appointment, tuple(sorted(pk for (pk,) in appointment.staff_rows or ())))


class _StaffRows(TypedDict):
    staff_rows: list[list[int]] | None


@functools.cache
def _with_staff() -> "QuerySet[WithAnnotations[Appointment, _StaffRows]]":
    """Appointments with their staff ids as a JSON column, built once per process
    (``core.json_rows``)."""
    return Appointment.objects.annotate(
        staff_rows=rows_of(
            AppointmentStaff.objects.filter(appointment_id=OuterRef("pk")),
            "appointment_id",
            "staff_id",
        )
    )


def record_held(
    *, actor: Actor, appointment: Appointment, staff: StaffMember, now: dt.datetime
) -> None:
    """The session was held: its signed record says so (issue 9: state follows the record).

    Called by the medicine record's signing, inside its transaction, after it checked the
    signer's access to this appointment; an appointment already marked stays as it is.
    """
    if appointment.status == AppointmentStatus.BOOKED.value:
        _apply(
            actor,
            appointment,
            AppointmentStatus.COMPLETED,
            reason="The session record was signed.",
            staff=staff,
            now=now,
        )


def _apply(
    actor: Actor,
    appointment: Appointment,
    status: AppointmentStatus,
    *,
    reason: str,
    staff: StaffMember,
    now: dt.datetime,
) -> None:
    appointment.status = status.value
    appointment.status_reason = reason
    appointment.status_changed_by = staff
    appointment.status_changed_at = now
    appointment.save(
        update_fields=["status", "status_reason", "status_changed_by", "status_changed_at"]
    )
    AppointmentStaff.objects.filter(appointment=appointment).update(status=status.value)
    record_event(
        source=actor.audit_source,
        action=AuditAction.UPDATE,
        client_id=appointment.client_id,
        category=Category.SCHEDULE,
        detail=f"appointment:{appointment.pk}:{status.value}",
    )
