"""Test data for the therapy record: held appointments of each kind.

Rows are written directly (not through the booking service): these tests are about the
notes, and the booking rules have their own tests.
"""

import datetime as dt

from kapcare.people.models import Client, Room, StaffMember
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.models import Appointment, AppointmentStaff
from tests.factories import make_location, make_room

START = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


def _room(client: Client, kind: str) -> Room:
    room_kind = RoomKind.MEDICINE if kind == "medicine" else RoomKind.THERAPY
    room = Room.objects.filter(location__practice_id=client.practice_id, kind=room_kind).first()
    if room is not None:
        return room
    location = make_location(practice=client.practice, offers_medicine_sessions=True)
    return make_room(location=location, kind=room_kind)


def held_appointment(
    client: Client,
    clinician: StaffMember,
    *,
    kind: str = "preparation",
    start: dt.datetime | None = None,
    minutes: int = 50,
    status: str = "completed",
) -> Appointment:
    """A session of the client's, by default a day after their latest (never overlapping:
    PostgreSQL refuses a client booked twice at once)."""
    if start is None:
        start = START + dt.timedelta(days=Appointment.objects.filter(client=client).count())
    room = _room(client, kind)
    appointment = Appointment.objects.create(
        client=client,
        kind=kind,
        modality="in_person",
        location=room.location,
        room=room,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        status=status,
        status_changed_by=clinician if status != "booked" else None,
        status_changed_at=start if status != "booked" else None,
        created_by=clinician,
        created_at=start - dt.timedelta(days=7),
    )
    AppointmentStaff.objects.create(
        appointment=appointment,
        staff=clinician,
        start=appointment.start,
        end=appointment.end,
        status=status,
    )
    return appointment
