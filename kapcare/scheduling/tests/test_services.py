"""The booking service under concurrency, and the database's own guarantees."""

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kapcare.core.violations import Refused
from kapcare.people.access import Actor
from kapcare.people.models import Client, Practice, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import services
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.vocabulary import AppointmentKind, Modality
from tests.factories import make_care_team_member, make_client, make_location, make_room

EST = dt.timezone(dt.timedelta(hours=-5))
START = dt.datetime(2030, 1, 21, 10, tzinfo=EST)
END = START + dt.timedelta(hours=1)
NOW = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
THREADS = 8

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only"
)


def therapy(client: Client, room: Room, staff: StaffMember) -> services.AppointmentRequest:
    return services.AppointmentRequest(
        client_id=client.pk,
        kind=AppointmentKind.THERAPY,
        modality=Modality.IN_PERSON,
        start=START,
        end=END,
        staff_ids=(staff.pk,),
        location_id=room.location_id,
        room_id=room.pk,
    )


def therapy_room(practice: Practice) -> Room:
    return make_room(location=make_location(practice=practice), kind=RoomKind.THERAPY)


def test_booking_saves_the_staff_copies(
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    actor: Callable[[Role], Actor],
) -> None:
    room = therapy_room(practice)

    booked = services.book_appointment(
        actor=actor(Role.FRONT_DESK),
        request=therapy(team_client, room, staff[Role.THERAPIST]),
        now=NOW,
    )

    link = AppointmentStaff.objects.get(appointment=booked.appointment)
    assert (link.staff, link.start, link.end, link.status) == (
        staff[Role.THERAPIST],
        START,
        END,
        "booked",
    )


def test_checking_costs_the_same_queries_however_full_the_calendar(
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    actor: Callable[[Role], Actor],
) -> None:
    room = therapy_room(practice)
    front_desk = actor(Role.FRONT_DESK)
    request = therapy(team_client, room, staff[Role.THERAPIST])

    def book_day(day: int) -> None:
        services.book_appointment(
            actor=front_desk,
            request=services.AppointmentRequest(
                client_id=team_client.pk,
                kind=AppointmentKind.THERAPY,
                modality=Modality.IN_PERSON,
                start=START + dt.timedelta(days=day, minutes=-60),
                end=START + dt.timedelta(days=day),
                staff_ids=(staff[Role.THERAPIST].pk,),
                location_id=room.location_id,
                room_id=room.pk,
            ),
            now=NOW,
        )

    book_day(0)
    with CaptureQueriesContext(connection) as few:
        services.check_appointment_request(actor=front_desk, request=request)
    for day in range(1, 8):
        book_day(day)
    with CaptureQueriesContext(connection) as many:
        services.check_appointment_request(actor=front_desk, request=request)

    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_the_end_must_be_after_the_start_in_the_database(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    room = therapy_room(practice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            client=team_client,
            kind="therapy",
            modality="in_person",
            start=END,
            end=START,
            location=room.location,
            room=room,
            created_by=staff[Role.FRONT_DESK],
            created_at=NOW,
        )


@postgresql_only
@pytest.mark.parametrize("shared", ["room", "staff", "client"])
def test_postgresql_refuses_overlapping_bookings(
    practice: Practice, staff: dict[Role, StaffMember], team_client: Client, shared: str
) -> None:
    room, other_room = therapy_room(practice), therapy_room(practice)
    other_client = make_client(practice=practice)

    def insert(client: Client, room: Room, member: StaffMember, minutes: int) -> None:
        start = START + dt.timedelta(minutes=minutes)
        appointment = Appointment.objects.create(
            client=client,
            kind="therapy",
            modality="in_person",
            start=start,
            end=start + dt.timedelta(hours=1),
            location=room.location,
            room=room,
            created_by=staff[Role.FRONT_DESK],
            created_at=NOW,
        )
        AppointmentStaff.objects.create(
            appointment=appointment,
            staff=member,
            start=appointment.start,
            end=appointment.end,
            status="booked",
        )

    insert(team_client, room, staff[Role.THERAPIST], 0)
    second = {
        "room": (other_client, room, staff[Role.MEDICAL_PROVIDER]),
        "staff": (other_client, other_room, staff[Role.THERAPIST]),
        "client": (team_client, other_room, staff[Role.MEDICAL_PROVIDER]),
    }[shared]

    insert(*second, 60)  # back to back is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(*second, 59)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database cannot be shared by concurrent threads",
)
@pytest.mark.django_db(transaction=True)
def test_many_people_booking_one_slot_at_once_exactly_one_wins(
    practice: Practice, staff: dict[Role, StaffMember], actor: Callable[[Role], Actor]
) -> None:
    # SQLite is not tested here: the test database lives in memory, and its shared
    # cache answers concurrent writers with "table is locked" instead of waiting, so
    # threads cannot share it the way web workers share a file database. There every
    # transaction is IMMEDIATE (settings), which serializes the check and the insert.
    room = therapy_room(practice)
    therapist = staff[Role.THERAPIST]
    clients = [make_client(practice=practice) for _ in range(THREADS)]
    for client in clients:
        make_care_team_member(client=client, staff=therapist, role=Role.THERAPIST)
    actors = [actor(Role.FRONT_DESK) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(index: int) -> None:
        try:
            barrier.wait()
            try:
                services.book_appointment(
                    actor=actors[index],
                    request=therapy(clients[index], room, therapist),
                    now=NOW,
                )
                outcome = "booked"
            except Refused as refused:
                outcome = "409" if refused.conflict else "422"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == THREADS
    assert outcomes.count("booked") == 1
    assert set(outcomes) <= {"booked", "409", "422"}
    assert Appointment.objects.filter(room=room).count() == 1
    assert AppointmentStaff.objects.filter(staff=therapist).count() == 1
