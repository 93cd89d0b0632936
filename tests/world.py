"""The one world most tests start from: a practice with a staff member per role, a client
on their care team and one who is not, two offices and a day to book on.

``conftest.py`` serves it as the ``world`` fixture. A test that needs more (a plan, a
consent, an appointment already in the calendar) adds it with ``tests.factories``.
"""

import datetime as dt
from dataclasses import dataclass

from kapcare.core import clock
from kapcare.people.models import Client, Location, Practice, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from tests.factories import make_location, make_room


@dataclass(frozen=True)
class World:
    practice: Practice
    staff: dict[Role, StaffMember]
    """One staff member per role, licensed in PA and NJ."""
    client: Client
    """On the care team of the therapist, medical provider and monitor."""
    other_client: Client
    """On nobody's care team."""
    office: Location
    """Bryn Mawr, PA: offers medicine sessions; rooms Willow (therapy), Cedar (medicine)."""
    therapy_room: Room
    medicine_room: Room
    other_office: Location
    """Philadelphia, PA: therapy only; room Elm."""
    other_room: Room
    day: dt.date
    """A Monday at least a week ahead: nothing else is booked then."""


def next_monday(weeks: int = 1) -> dt.date:
    today = clock.today()
    return today + dt.timedelta(days=7 * weeks - today.weekday())


def build_world(
    practice: Practice, staff: dict[Role, StaffMember], client: Client, other_client: Client
) -> World:
    office = make_location(practice=practice, name="Bryn Mawr", offers_medicine_sessions=True)
    other_office = make_location(
        practice=practice, name="Philadelphia", offers_medicine_sessions=False
    )
    return World(
        practice=practice,
        staff=staff,
        client=client,
        other_client=other_client,
        office=office,
        therapy_room=make_room(location=office, name="Willow", kind=RoomKind.THERAPY),
        medicine_room=make_room(location=office, name="Cedar", kind=RoomKind.MEDICINE),
        other_office=other_office,
        other_room=make_room(location=other_office, name="Elm", kind=RoomKind.THERAPY),
        day=next_monday(2),
    )
