"""/api/v1/appointments: book (with the integration follow-up), check, list, reschedule,
set the status.

Thin: clients are reached through ``people.access`` and every change goes through
``scheduling.services``; this module only translates shapes. A refused booking answers
422 with every violated rule, a booking that lost a race 409, both as
``{"detail", "violations": [{"rule", "message", "subject"}]}``.
"""

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.core.api_errors import (
    LIST_ERRORS,
    WRITE_ERRORS,
    ViolationOut,
    ViolationsOut,
    error_responses,
)
from kapcare.core.api_fields import Instant, RecordId
from kapcare.core.lean_response import json_page
from kapcare.core.pagination import Page, PageQuery
from kapcare.people.access import staff_actor, visible_clients
from kapcare.people.policy import Category
from kapcare.scheduling import services
from kapcare.scheduling.api.listing import appointment_page
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.schemas import (
    AppointmentIn,
    AppointmentOut,
    BookedOut,
    CheckOut,
    FollowUpIn,
    RescheduleIn,
    StatusIn,
)
from kapcare.scheduling.spans import appointments_overlapping
from kapcare.scheduling.vocabulary import AppointmentStatus

router = Router(tags=["scheduling"])


BOOKING_ERRORS = {**WRITE_ERRORS, 409: ViolationsOut, 422: ViolationsOut}


def _follow_up(payload: FollowUpIn | None) -> services.FollowUpRequest | None:
    if payload is None:
        return None
    return services.FollowUpRequest(
        kind=payload.kind,
        modality=payload.modality,
        start=payload.start,
        end=payload.end,
        staff_ids=tuple(payload.staff),
        location_id=payload.location,
        room_id=payload.room,
        client_location_state=payload.client_location_state,
    )


def booking_request(payload: AppointmentIn) -> services.AppointmentRequest:
    return services.AppointmentRequest(
        client_id=payload.client,
        kind=payload.kind,
        modality=payload.modality,
        start=payload.start,
        end=payload.end,
        staff_ids=tuple(payload.staff),
        location_id=payload.location,
        room_id=payload.room,
        client_location_state=payload.client_location_state,
        follow_up=_follow_up(payload.follow_up),
    )


def _with_staff(appointment_ids: list[int]) -> list[Appointment]:
    return list(
        Appointment.objects.filter(pk__in=appointment_ids)
        .prefetch_related("staff_links")
        .order_by("start", "id")
    )


@router.post(
    "/appointments/check",
    response={200: CheckOut, **error_responses(400, 401, 404, 413, 415, 422)},
    tags=["appointments"],
)
def check_appointment(request: HttpRequest, payload: AppointmentIn) -> CheckOut:
    """Which rules booking this would break, in plain words; nothing is saved."""
    violations = services.check_appointment_request(
        actor=staff_actor(request), request=booking_request(payload)
    )
    return CheckOut(ok=not violations, violations=[ViolationOut.of(v) for v in violations])


@router.post("/appointments", response={201: BookedOut, **BOOKING_ERRORS}, tags=["appointments"])
def book_appointment(request: HttpRequest, payload: AppointmentIn) -> Status[BookedOut]:
    """Book an appointment (and its integration follow-up), or nothing.

    422 lists every violated rule; 409 means someone else took the slot a moment ago.
    """
    wanted = booking_request(payload)
    booked = services.book_appointment(actor=staff_actor(request), request=wanted, now=clock.now())
    # Answered from what was saved, with the staff asked for: nothing to read back.
    return Status(
        201,
        BookedOut(
            appointment=AppointmentOut.of(booked.appointment, staff_ids=wanted.staff_ids),
            follow_up=(
                AppointmentOut.of(booked.follow_up, staff_ids=wanted.follow_up.staff_ids)
                if booked.follow_up is not None and wanted.follow_up is not None
                else None
            ),
        ),
    )


@router.post(
    "/appointments/{int:appointment_id}/status",
    response={200: AppointmentOut, **WRITE_ERRORS},
    tags=["appointments"],
)
def set_status(request: HttpRequest, appointment_id: int, payload: StatusIn) -> AppointmentOut:
    """Mark an appointment completed (once started), cancelled or a no-show."""
    appointment = services.set_appointment_status(
        actor=staff_actor(request),
        appointment_id=appointment_id,
        status=payload.status,
        reason=payload.reason,
        now=clock.now(),
    )
    prefetch_related_objects([appointment], "staff_links")
    return AppointmentOut.of(appointment)


@router.post(
    "/appointments/{int:appointment_id}/reschedule",
    response={200: AppointmentOut, **BOOKING_ERRORS},
    tags=["appointments"],
)
def reschedule_appointment(
    request: HttpRequest, appointment_id: int, payload: RescheduleIn
) -> AppointmentOut:
    """Move a booked appointment to another time, place or staff, under every booking rule.

    Fields left out keep their current value (``location`` and ``room`` may be null).
    422 lists every violated rule; 409 means someone else took the slot a moment ago.
    """
    sent = payload.model_fields_set
    keep = services.KEEP
    appointment = services.reschedule_appointment(
        actor=staff_actor(request),
        appointment_id=appointment_id,
        start=payload.start if payload.start is not None else keep,
        end=payload.end if payload.end is not None else keep,
        location_id=payload.location if "location" in sent else keep,
        room_id=payload.room if "room" in sent else keep,
        staff_ids=payload.staff if payload.staff is not None else keep,
        now=clock.now(),
    )
    return AppointmentOut.of(_with_staff([appointment.pk])[0])


class AppointmentFilter(PageQuery):
    start: Instant | None = None
    end: Instant | None = None
    staff: RecordId | None = None
    location: RecordId | None = None
    client: RecordId | None = None
    status: AppointmentStatus | None = None


@router.get(
    "/appointments", response={200: Page[AppointmentOut], **LIST_ERRORS}, tags=["appointments"]
)
def list_appointments(request: HttpRequest, filters: Query[AppointmentFilter]) -> HttpResponse:
    """Appointments of the clients the caller may see the schedule of, by start time.

    ``start`` and ``end`` (ISO-8601 with offset) keep the appointments that overlap
    ``[start, end)``; ``staff``, ``location`` and ``client`` are ids.
    """
    actor = staff_actor(request)
    appointments = Appointment.objects.filter(client__in=visible_clients(actor, Category.SCHEDULE))
    appointments = appointments_overlapping(
        appointments,
        after=filters.start,
        before=filters.end,
        location_id=filters.location,
        staff_id=filters.staff,
    )
    if filters.client is not None:
        appointments = appointments.filter(client_id=filters.client)
    if filters.status is not None:
        appointments = appointments.filter(status=filters.status.value)
    items, count = appointment_page(appointments.order_by("start", "id"), filters)
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=sorted({a["client"] for a in items}),
        category=Category.SCHEDULE,
        detail="api:list_appointments",
    )
    # Rows built to AppointmentOut's shape (scheduling.api.listing), rendered as ninja would.
    return json_page(items, count)
