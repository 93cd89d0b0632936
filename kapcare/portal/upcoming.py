"""The client's sessions, upcoming and past, in the words and time zone the client reads
them in."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from kapcare.people.models import Client, StaffMember
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import KIND_LABELS, AppointmentKind, AppointmentStatus, Modality

__all__ = [
    "UpcomingSession",
    "past_sessions",
    "session_row",
    "upcoming_sessions",
    "video_room_of",
    "with_details",
]


@dataclass(frozen=True)
class UpcomingSession:
    appointment: Appointment
    kind: str
    is_virtual: bool
    where: str
    with_whom: str
    start: dt.datetime
    end: dt.datetime
    outcome: str = ""
    """For a past session: held, cancelled or missed (empty while it is to come)."""
    video_link: str = ""
    """For a video session, the clinician's own video room (empty: none set)."""


_OUTCOMES = {
    AppointmentStatus.BOOKED: "",
    AppointmentStatus.COMPLETED: "Held",
    AppointmentStatus.CANCELLED: "Cancelled",
    AppointmentStatus.NO_SHOW: "Missed",
}


def with_details(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """What a row shows: the place and the staff, loaded with the appointments."""
    return appointments.select_related("location", "room").prefetch_related(
        Prefetch("staff", queryset=StaffMember.objects.select_related("user").order_by("pk"))
    )


def past_sessions(client: Client, *, now: dt.datetime, limit: int = 20) -> list[UpcomingSession]:
    """Sessions that have ended or were cancelled, the latest first (two queries)."""
    appointments = (
        with_details(Appointment.objects.filter(client=client))
        .filter(Q(end__lte=now) | ~Q(status=AppointmentStatus.BOOKED.value))
        .order_by("-start", "-pk")[:limit]
    )
    return [session_row(a) for a in appointments]


def upcoming_sessions(
    client: Client, *, now: dt.datetime, limit: int = 20
) -> list[UpcomingSession]:
    """Booked sessions that have not ended, soonest first (one query, staff prefetched)."""
    appointments = (
        with_details(Appointment.objects.filter(client=client))
        .filter(status=AppointmentStatus.BOOKED.value, end__gt=now)
        .order_by("start", "pk")[:limit]
    )
    return [session_row(a) for a in appointments]


def session_row(appointment: Appointment) -> UpcomingSession:
    virtual = appointment.modality == Modality.TELEHEALTH.value
    if virtual:
        where = "By video"
    elif appointment.location is not None:
        place = appointment.location
        where = f"{place.name}, {place.address_line1}, {place.city}"
    else:
        where = ""
    return UpcomingSession(
        appointment=appointment,
        kind=KIND_LABELS[AppointmentKind(appointment.kind)],
        is_virtual=virtual,
        where=where,
        with_whom=", ".join(s.user.full_name for s in appointment.staff.all()),
        start=appointment.start,
        end=appointment.end,
        outcome=_OUTCOMES[AppointmentStatus(appointment.status)],
        video_link=video_room_of(appointment) if virtual else "",
    )


def video_room_of(appointment: Appointment) -> str:
    """The video room of the session's clinician: the first of its staff (prefetched by
    ``with_details``) who has set one; "" when none has."""
    return next((s.video_room_url for s in appointment.staff.all() if s.video_room_url), "")
