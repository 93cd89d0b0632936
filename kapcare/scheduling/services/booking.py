"""Booking: the one service that books an appointment (and its integration follow-up).

The API, the pages, the portal, the admin and imports all book here. The facts come from
``scheduling.facts`` (one query per kind of fact), the rules from ``scheduling.rules``
and ``scheduling.hours``.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.violations import Refused, Violation
from kapcare.people.access import Actor, access_client, lock_client, staff_of
from kapcare.people.models import CareTeamMember, Client, StaffMember
from kapcare.people.policy import Category
from kapcare.scheduling.booking_check import check_booking, zone_of
from kapcare.scheduling.facts import BookingFacts, booking_facts
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.requests import AppointmentRequest, FollowUpRequest
from kapcare.scheduling.thresholds import SchedulingPolicy
from kapcare.scheduling.vocabulary import (
    AppointmentKind,
    Rule,
    Subject,
)

__all__ = [
    "CLIENT_BOOKABLE",
    "CLIENT_BOOKING_LEAD",
    "BookedAppointments",
    "book_appointment",
    "check",
    "check_appointment_request",
    "lost_race",
    "zone_of",
]


# What a client books themselves in the portal, inside their care team's availability.
# A medicine session never: it is in person at an equipped office with a monitor, and
# the practice arranges it (the client asks for one; DESIGN.md, client role).
CLIENT_BOOKABLE = frozenset(
    {AppointmentKind.PREPARATION, AppointmentKind.INTEGRATION, AppointmentKind.THERAPY}
)
# A client books from the next day on: a session a few hours away is a phone call.
CLIENT_BOOKING_LEAD = dt.timedelta(hours=24)


@dataclass(frozen=True)
class BookedAppointments:
    appointment: Appointment
    follow_up: Appointment | None = None


def check(facts: BookingFacts, policy: SchedulingPolicy | None) -> list[Violation]:
    """Every booking rule, then the staff's working hours and time off (``booking_check``).

    ``policy`` None: the practice's own (its settings applied to the defaults).
    """
    return check_booking(
        facts.proposed,
        client=facts.client,
        pathway=facts.pathway,
        calendar=facts.calendar,
        schedule=facts.schedule,
        policy=facts.policy if policy is None else policy,
        follow_up=facts.follow_up,
    )


def check_appointment_request(
    *, actor: Actor, request: AppointmentRequest, policy: SchedulingPolicy | None = None
) -> list[Violation]:
    """Every rule booking ``request`` would break now (empty: it may be booked)."""
    client = access_client(actor, request.client_id, Category.SCHEDULE, detail="check_appointment")
    return check(booking_facts(client, request), policy)


# --- the change ------------------------------------------------------------------------

_CONSTRAINT_RULES = {
    "appointment_no_room_overlap": Rule.CONFLICT_ROOM,
    "appointment_no_client_overlap": Rule.CONFLICT_CLIENT,
    "appointment_no_staff_overlap": Rule.CONFLICT_CLINICIAN,
}
_LOST_RACE = {
    Rule.CONFLICT_ROOM: "The room was booked for this time by someone else a moment ago. "
    "Check the calendar and choose another time or room.",
    Rule.CONFLICT_CLIENT: "The client was booked for this time by someone else a moment ago. "
    "Check the calendar and choose another time.",
    Rule.CONFLICT_CLINICIAN: "A staff member was booked for this time by someone else a "
    "moment ago. Check the calendar and choose another time.",
}
_EXCLUSION_VIOLATION = "23P01"


def lost_race(error: IntegrityError) -> Violation | None:
    """The conflict an exclusion constraint reported, or None for any other error."""
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) != _EXCLUSION_VIOLATION:
        return None
    diag = getattr(cause, "diag", None)
    rule = _CONSTRAINT_RULES.get(str(getattr(diag, "constraint_name", "")), Rule.CONFLICT_CLIENT)
    return Violation(rule, _LOST_RACE[rule], Subject.APPOINTMENT)


def _save(
    *,
    client: Client,
    part: AppointmentRequest | FollowUpRequest,
    created_by: StaffMember | None,
    now: dt.datetime,
    follow_up_of: Appointment | None = None,
) -> Appointment:
    appointment = Appointment.objects.create(
        client=client,
        kind=part.kind.value,
        modality=part.modality.value,
        start=part.start,
        end=part.end,
        location_id=part.location_id,
        room_id=part.room_id,
        client_location_state=part.client_location_state or "",
        follow_up_of=follow_up_of,
        created_by=created_by,
        booked_by_client=created_by is None,
        created_at=now,
    )
    AppointmentStaff.objects.bulk_create(
        AppointmentStaff(
            appointment=appointment,
            staff_id=staff_id,
            start=part.start,
            end=part.end,
            status=appointment.status,
        )
        for staff_id in part.staff_ids
    )
    return appointment


def book_appointment(
    *,
    actor: Actor,
    request: AppointmentRequest,
    now: dt.datetime,
    policy: SchedulingPolicy | None = None,
) -> BookedAppointments:
    """Check every rule and book the appointment (and its follow-up), or nothing.

    Raises :class:`Refused` with every violated rule, or with ``conflict=True``
    when a concurrent booking took the slot between the check and the insert.
    """
    staff = (
        None if actor.is_client else staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    )
    client = access_client(
        actor,
        request.client_id,
        Category.SCHEDULE,
        action=AuditAction.CREATE,
        detail="appointment",
    )
    if actor.is_client:
        _check_client_request(client, request, now=now)
    try:
        with transaction.atomic():
            lock_client(client.pk)
            violations = check(booking_facts(client, request), policy)
            if violations:
                raise Refused(violations)
            main = _save(client=client, part=request, created_by=staff, now=now)
            follow_up = (
                _save(
                    client=client,
                    part=request.follow_up,
                    created_by=staff,
                    now=now,
                    follow_up_of=main,
                )
                if request.follow_up is not None
                else None
            )
            detail = f"appointment:{main.pk}:{main.kind}"
            if follow_up is not None:
                detail += f"+{follow_up.pk}:{follow_up.kind}"
            record_event(
                source=actor.audit_source,
                action=AuditAction.CREATE,
                client_id=client.pk,
                category=Category.SCHEDULE,
                detail=detail,
            )
    except IntegrityError as error:
        lost = lost_race(error)
        if lost is None:
            raise
        raise Refused([lost], conflict=True) from error
    return BookedAppointments(main, follow_up)


def _check_client_request(client: Client, request: AppointmentRequest, *, now: dt.datetime) -> None:
    """What a client may book themselves: a preparation, integration or therapy session,
    alone, with people on their care team (the rules then apply as to anyone)."""
    if request.kind not in CLIENT_BOOKABLE or request.follow_up is not None:
        raise FieldError(
            "kind",
            "Medicine sessions are arranged with your care team, in person: ask for one "
            "and the practice will confirm a time with you.",
        )
    team = set(CareTeamMember.objects.filter(client=client).values_list("staff_id", flat=True))
    if not request.staff_ids or not set(request.staff_ids) <= team:
        raise FieldError("staff", "Choose someone on your care team.")
    if request.start < now + CLIENT_BOOKING_LEAD:
        raise FieldError(
            "start",
            "Choose a time from tomorrow on; for anything sooner, please call the practice.",
        )
