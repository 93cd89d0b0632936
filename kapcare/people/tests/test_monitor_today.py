"""A monitor sees the medicine-session and safety data of clients they monitor that day.

DESIGN.md grants the monitor role "clients they monitor that day": being booked on a
client's medicine session today opens what the monitor role may see of that client,
even off the care team, and nothing more; tomorrow it closes again.
"""

import datetime as dt
import zoneinfo

import pytest

from kapcare.people.access import actor_for_user, allowed_categories, visible_clients
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Category, Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.models import Appointment, AppointmentStaff
from tests.factories import make_client, make_location, make_room, make_staff

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# 08:00 in Philadelphia: still the previous day in UTC-12, already afternoon in Europe.
NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=NEW_YORK)
MONITOR_ONLY = {
    Category.DEMOGRAPHICS,
    Category.SCHEDULE,
    Category.MEDICINE_SESSION,
    Category.SAFETY,
}


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kapcare.core.clock.now", lambda: NOW)


@pytest.fixture
def monitor(practice: Practice) -> StaffMember:
    """A monitor on nobody's care team."""
    return make_staff(practice=practice, roles=[Role.MONITOR], states=["PA"])


@pytest.fixture
def client_(practice: Practice) -> Client:
    return make_client(practice=practice)


def _book(
    client: Client,
    staff: StaffMember,
    start: dt.datetime,
    *,
    kind: str = "medicine",
    status: str = "booked",
) -> None:
    location = make_location(practice=client.practice, time_zone="America/New_York")
    room = make_room(location=location, kind=RoomKind.MEDICINE)
    end = start + dt.timedelta(hours=3)
    appointment = Appointment.objects.create(
        client=client,
        kind=kind,
        modality="in_person",
        start=start,
        end=end,
        location=location,
        room=room,
        status=status,
        status_changed_by=staff if status != "booked" else None,
        created_by=staff,
        created_at=NOW,
    )
    AppointmentStaff.objects.create(
        appointment=appointment, staff=staff, start=start, end=end, status=status
    )


def _sees(monitor: StaffMember, client: Client) -> set[Category]:
    return set(allowed_categories(actor_for_user(monitor.user), client.pk))


def test_off_team_monitor_sees_nothing_without_a_session(
    monitor: StaffMember, client_: Client
) -> None:
    assert _sees(monitor, client_) == set()


def test_todays_medicine_session_opens_the_monitor_categories_only(
    monitor: StaffMember, client_: Client
) -> None:
    _book(client_, monitor, NOW + dt.timedelta(hours=2))
    assert _sees(monitor, client_) == MONITOR_ONLY
    assert client_ in visible_clients(actor_for_user(monitor.user), Category.MEDICINE_SESSION)


@pytest.mark.parametrize(
    ("start", "kind", "status"),
    [
        (NOW + dt.timedelta(days=1), "medicine", "booked"),  # tomorrow
        (NOW - dt.timedelta(days=1), "medicine", "completed"),  # yesterday
        (NOW.replace(hour=23, minute=59) + dt.timedelta(minutes=2), "medicine", "booked"),
        (NOW + dt.timedelta(hours=2), "medicine", "cancelled"),
        (NOW + dt.timedelta(hours=2), "integration", "booked"),
    ],
    ids=["tomorrow", "yesterday", "just-after-midnight", "cancelled", "not-medicine"],
)
def test_other_bookings_open_nothing(
    monitor: StaffMember, client_: Client, start: dt.datetime, kind: str, status: str
) -> None:
    _book(client_, monitor, start, kind=kind, status=status)
    assert _sees(monitor, client_) == set()
    assert client_ not in visible_clients(actor_for_user(monitor.user), Category.MEDICINE_SESSION)


def test_a_second_role_gains_nothing_from_monitoring(practice: Practice, client_: Client) -> None:
    both = make_staff(practice=practice, roles=[Role.MONITOR, Role.THERAPIST], states=["PA"])
    _book(client_, both, NOW + dt.timedelta(hours=1))
    assert _sees(both, client_) == MONITOR_ONLY


def test_other_staff_on_the_session_gain_nothing(
    staff: dict[Role, StaffMember], client_: Client
) -> None:
    _book(client_, staff[Role.THERAPIST], NOW + dt.timedelta(hours=1))
    assert _sees(staff[Role.THERAPIST], client_) == set()
