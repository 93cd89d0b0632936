"""A client's own sessions in the portal: book one, cancel one, say where they are for a
video session, ask for a medicine session. The scheduling services do the work (the same
booking rules as for staff); the care team is told, in the same transaction, and by
e-mail from the task queue once it commits (``MAILED_NOTICES``)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.core.errors import FieldError
from kapcare.core.wording import fmt_datetime
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.portal import tasks
from kapcare.portal.access import own_client
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.services.notices import tell_care_team
from kapcare.portal.vocabulary import MAILED_NOTICES, NoticeKind
from kapcare.scheduling.ical import KIND_WORDS
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.requests import AppointmentRequest
from kapcare.scheduling.services import BookedAppointments, book_appointment
from kapcare.scheduling.services.booking import CLIENT_BOOKING_LEAD
from kapcare.scheduling.services.client import (
    LocationCheck,
    cancel_by_client,
    confirm_client_location,
)
from kapcare.scheduling.vocabulary import AppointmentKind

__all__ = [
    "SELF_BOOKING_LEAD",
    "SLOTS_SHOWN",
    "ask_for_medicine_session",
    "book_my_session",
    "cancel_my_session",
    "confirm_my_location",
]

NOTE_MAX = 1000
SELF_BOOKING_LEAD = CLIENT_BOOKING_LEAD  # the booking service refuses anything sooner
SLOTS_SHOWN = 8


def _tell(
    *,
    actor: Actor,
    client: Client,
    kind: NoticeKind,
    now: dt.datetime,
    detail: str,
    site_url: str,
) -> CareTeamNotice:
    notice = tell_care_team(actor=actor, client=client, kind=kind, now=now, detail=detail)
    if kind in MAILED_NOTICES:
        tasks.queue_notice_mail(notice.pk, site_url)
    return notice


def book_my_session(
    *, actor: Actor, request: AppointmentRequest, now: dt.datetime, site_url: str
) -> BookedAppointments:
    """Book through the one booking service (every rule applies as to staff); the care
    team is told."""
    with transaction.atomic():
        booked = book_appointment(actor=actor, request=request, now=now)
        appointment = booked.appointment
        _tell(
            actor=actor,
            client=appointment.client,
            kind=NoticeKind.SESSION_BOOKED,
            now=now,
            detail=_when(appointment),
            site_url=site_url,
        )
    return booked


def _when(appointment: Appointment) -> str:
    """The session as the care team reads it in a notice (the practice's zone)."""
    local = timezone.localtime(appointment.start)
    return f"{KIND_WORDS[AppointmentKind(appointment.kind)]}, {fmt_datetime(local)}"


def cancel_my_session(
    *,
    actor: Actor,
    appointment_id: int,
    reason: str,
    now: dt.datetime,
    site_url: str,
    with_integration: bool = False,
) -> Appointment:
    """Cancel the session (and, for a medicine session with ``with_integration``, the
    integration session after it); the care team is told of each in one notice."""
    with transaction.atomic():
        cancelled = cancel_by_client(
            actor=actor,
            appointment_id=appointment_id,
            reason=reason,
            now=now,
            with_integration=with_integration,
        )
        appointment = cancelled[0]
        sessions = " and ".join(_when(a) for a in cancelled)
        _tell(
            actor=actor,
            client=appointment.client,
            kind=NoticeKind.SESSION_CANCELLED,
            now=now,
            detail=f"{sessions}. {reason.strip()}".strip(),
            site_url=site_url,
        )
    return appointment


def confirm_my_location(
    *, actor: Actor, appointment_id: int, state: str, city: str, now: dt.datetime
) -> LocationCheck:
    with transaction.atomic():
        check = confirm_client_location(
            actor=actor, appointment_id=appointment_id, state=state, city=city, now=now
        )
        if check.problem is not None:
            appointment = check.appointment
            tell_care_team(
                actor=actor,
                client=appointment.client,
                kind=NoticeKind.LOCATION_UNLICENSED,
                now=now,
                detail=f"{_when(appointment)}: {appointment.client_location_state}",
            )
    return check


def ask_for_medicine_session(*, actor: Actor, note: str, now: dt.datetime, site_url: str) -> None:
    """Medicine sessions are arranged by the practice (in person, with a monitor): the
    client asks, with a note of what suits them, and the care team is told."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise FieldError("note", f"Keep the note to {NOTE_MAX:,} characters.")
    client = own_client(
        actor, Category.SCHEDULE, action=AuditAction.CREATE, detail="portal:medicine-request"
    )
    _tell(
        actor=actor,
        client=client,
        kind=NoticeKind.MEDICINE_SESSION_REQUESTED,
        now=now,
        detail=note,
        site_url=site_url,
    )
