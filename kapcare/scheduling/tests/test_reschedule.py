"""Rescheduling: the same rules, lock and audit as booking, through the service and the API."""

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.violations import Refused
from kapcare.people.access import Actor
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling import services
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.services import rescheduling
from kapcare.scheduling.tests.test_views import (
    at,
    book,
    ready_for_medicine,
)
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality, Rule
from tests.world import World

SignedIn = Callable[[Role], HttpClient]
ActorOf = Callable[[Role], Actor]


def post(http: HttpClient, appointment_id: int, body: dict[str, object]) -> tuple[int, object]:
    response = http.post(
        f"/api/v1/appointments/{appointment_id}/reschedule",
        json.dumps(body),
        content_type="application/json",
    )
    return response.status_code, response.json()


def test_the_api_moves_an_appointment_keeping_what_is_not_sent(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    start = at(world.day, 15)

    status, body = post(
        signed_in(Role.FRONT_DESK),
        appointment.pk,
        {"start": start.isoformat(), "end": (start + dt.timedelta(minutes=50)).isoformat()},
    )

    assert status == 200, body
    assert isinstance(body, dict)
    assert (body["id"], body["start"], body["room"], body["staff"], body["status"]) == (
        appointment.pk,
        start.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        world.therapy_room.pk,
        [world.staff[Role.THERAPIST].pk],
        "booked",
    )
    link = AppointmentStaff.objects.get(appointment=appointment)
    assert (link.start, link.end) == (start, start + dt.timedelta(minutes=50))
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, detail=f"appointment:{appointment.pk}:rescheduled"
    ).exists()


def test_the_api_changes_the_room_and_staff(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    status, body = post(
        signed_in(Role.THERAPIST),
        appointment.pk,
        {
            "location": world.other_office.pk,
            "room": world.other_room.pk,
            "staff": [world.staff[Role.MEDICAL_PROVIDER].pk],
        },
    )

    assert status == 200, body
    appointment.refresh_from_db()
    assert (appointment.location_id, appointment.room_id) == (
        world.other_office.pk,
        world.other_room.pk,
    )
    assert list(appointment.staff_links.values_list("staff_id", flat=True)) == [
        world.staff[Role.MEDICAL_PROVIDER].pk
    ]


def test_a_refused_move_lists_every_rule_and_changes_nothing(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    # Given a room at another location, and times in the wrong order
    status, body = post(
        signed_in(Role.FRONT_DESK),
        appointment.pk,
        {
            "room": world.other_room.pk,
            "start": at(world.day, 12).isoformat(),
            "end": at(world.day, 11).isoformat(),
        },
    )

    assert status == 422
    assert isinstance(body, dict)
    assert [v["rule"] for v in body["violations"]] == [
        Rule.END_BEFORE_START.value,
        Rule.ROOM_LOCATION_MISMATCH.value,
    ]
    appointment.refresh_from_db()
    assert (appointment.start, appointment.room_id) == (at(world.day, 10), world.therapy_room.pk)


def test_sending_no_location_for_an_in_person_session_is_refused(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    status, body = post(
        signed_in(Role.FRONT_DESK), appointment.pk, {"location": None, "room": None}
    )

    assert status == 422
    assert isinstance(body, dict)
    assert {v["rule"] for v in body["violations"]} == {
        Rule.IN_PERSON_NEEDS_LOCATION.value,
        Rule.IN_PERSON_NEEDS_ROOM.value,
    }


def test_an_appointment_does_not_conflict_with_its_own_old_slot(
    actor: ActorOf, world: World
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10), minutes=60)

    moved = services.reschedule_appointment(
        actor=actor(Role.FRONT_DESK),
        appointment_id=appointment.pk,
        start=at(world.day, 10, 30),
        end=at(world.day, 11, 30),
        now=clock.now(),
    )

    assert moved.start == at(world.day, 10, 30)


def test_moving_onto_another_clients_session_of_the_same_clinician_is_a_conflict(
    actor: ActorOf, world: World, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    services.book_appointment(
        actor=actor(Role.FRONT_DESK),
        request=services.AppointmentRequest(
            client_id=other_client.pk,
            kind=AppointmentKind.THERAPY,
            modality=Modality.IN_PERSON,
            start=at(world.day, 14),
            end=at(world.day, 15),
            staff_ids=(staff[Role.THERAPIST].pk,),
            location_id=world.other_office.pk,
            room_id=world.other_room.pk,
        ),
        now=clock.now(),
    )

    with pytest.raises(Refused) as refused:
        services.reschedule_appointment(
            actor=actor(Role.FRONT_DESK),
            appointment_id=appointment.pk,
            start=at(world.day, 14, 30),
            end=at(world.day, 15, 20),
            now=clock.now(),
        )

    assert [v.rule for v in refused.value.violations] == [Rule.CONFLICT_CLINICIAN]
    assert not refused.value.conflict


def test_moving_a_medicine_session_away_from_its_integration_is_refused(
    actor: ActorOf, world: World
) -> None:
    ready_for_medicine(world, actor)
    booked = services.book_appointment(
        actor=actor(Role.FRONT_DESK),
        request=services.AppointmentRequest(
            client_id=world.client.pk,
            kind=AppointmentKind.MEDICINE,
            modality=Modality.IN_PERSON,
            start=at(world.day, 9),
            end=at(world.day, 12),
            staff_ids=(world.staff[Role.THERAPIST].pk, world.staff[Role.MONITOR].pk),
            location_id=world.office.pk,
            room_id=world.medicine_room.pk,
            follow_up=services.FollowUpRequest(
                kind=AppointmentKind.INTEGRATION,
                modality=Modality.IN_PERSON,
                start=at(world.day + dt.timedelta(days=1), 10),
                end=at(world.day + dt.timedelta(days=1), 11),
                staff_ids=(world.staff[Role.THERAPIST].pk,),
                location_id=world.office.pk,
                room_id=world.therapy_room.pk,
            ),
        ),
        now=clock.now(),
    )

    # Two days later, the integration session booked for the day after would come first
    with pytest.raises(Refused) as refused:
        services.reschedule_appointment(
            actor=actor(Role.FRONT_DESK),
            appointment_id=booked.appointment.pk,
            start=at(world.day + dt.timedelta(days=2), 9),
            end=at(world.day + dt.timedelta(days=2), 12),
            now=clock.now(),
        )

    assert Rule.MEDICINE_REQUIRES_INTEGRATION in {v.rule for v in refused.value.violations}


def test_only_a_booked_appointment_can_be_moved(actor: ActorOf, world: World) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    services.set_appointment_status(
        actor=actor(Role.FRONT_DESK),
        appointment_id=appointment.pk,
        status=AppointmentStatus.CANCELLED,
        reason="",
        now=clock.now(),
    )

    with pytest.raises(FieldError) as error:
        services.reschedule_appointment(
            actor=actor(Role.FRONT_DESK),
            appointment_id=appointment.pk,
            start=at(world.day, 11),
            end=at(world.day, 12),
            now=clock.now(),
        )

    assert error.value.field == "status"
    assert "only a booked appointment can be rescheduled" in error.value.message


def test_an_off_team_therapist_gets_404_and_nothing_moves(
    signed_in: SignedIn, world: World, actor: ActorOf, other_client: Client
) -> None:
    booked = book(
        world,
        actor,
        AppointmentKind.THERAPY,
        at(world.day, 10),
        minutes=60,
        staff=(Role.MEDICAL_PROVIDER,),
        client=other_client,
    )

    status, _ = post(signed_in(Role.THERAPIST), booked.pk, {"start": at(world.day, 15).isoformat()})

    assert status == 404
    assert Appointment.objects.get(pk=booked.pk).start == at(world.day, 10)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, client_id=other_client.pk).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"start": "2030-01-01T10:00:00"},
        {"staff": ["x"]},
        {"room": 0},
        {"start": "not a time"},
    ],
    ids=["no-offset", "bad-staff", "zero-room", "garbage"],
)
def test_bad_input_is_a_422_on_the_field(
    signed_in: SignedIn, world: World, actor: ActorOf, body: dict[str, object]
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    status, answer = post(signed_in(Role.FRONT_DESK), appointment.pk, body)

    assert status == 422, answer
    appointment.refresh_from_db()
    assert appointment.start == at(world.day, 10)


def test_an_unknown_room_is_a_field_error(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    status, answer = post(signed_in(Role.FRONT_DESK), appointment.pk, {"room": 987654})

    assert status == 422
    assert isinstance(answer, dict)
    assert "room" in json.dumps(answer)


def _medicine_with_integration(world: World, actor: ActorOf) -> services.BookedAppointments:
    ready_for_medicine(world, actor)
    return services.book_appointment(
        actor=actor(Role.FRONT_DESK),
        request=services.AppointmentRequest(
            client_id=world.client.pk,
            kind=AppointmentKind.MEDICINE,
            modality=Modality.IN_PERSON,
            start=at(world.day, 9),
            end=at(world.day, 12),
            staff_ids=(world.staff[Role.THERAPIST].pk, world.staff[Role.MONITOR].pk),
            location_id=world.office.pk,
            room_id=world.medicine_room.pk,
            follow_up=services.FollowUpRequest(
                kind=AppointmentKind.INTEGRATION,
                modality=Modality.IN_PERSON,
                start=at(world.day + dt.timedelta(days=1), 10),
                end=at(world.day + dt.timedelta(days=1), 11),
                staff_ids=(world.staff[Role.THERAPIST].pk,),
                location_id=world.office.pk,
                room_id=world.therapy_room.pk,
            ),
        ),
        now=clock.now(),
    )


def test_moving_the_integration_out_of_its_window_is_refused(actor: ActorOf, world: World) -> None:
    booked = _medicine_with_integration(world, actor)
    assert booked.follow_up is not None
    late = world.day + dt.timedelta(days=10)

    with pytest.raises(Refused) as refused:
        services.reschedule_appointment(
            actor=actor(Role.FRONT_DESK),
            appointment_id=booked.follow_up.pk,
            start=at(late, 10),
            end=at(late, 11),
            now=clock.now(),
        )

    [violation] = refused.value.violations
    assert violation.rule == Rule.MEDICINE_REQUIRES_INTEGRATION
    assert violation.message.startswith(
        f"The medicine session on {at(world.day, 9):%a %-d %b %Y}, 9:00 am would then break a rule."
    )
    booked.follow_up.refresh_from_db()
    assert booked.follow_up.start == at(world.day + dt.timedelta(days=1), 10)


def test_moving_the_integration_within_its_window_is_fine(actor: ActorOf, world: World) -> None:
    booked = _medicine_with_integration(world, actor)
    assert booked.follow_up is not None
    later = world.day + dt.timedelta(days=3)

    moved = services.reschedule_appointment(
        actor=actor(Role.FRONT_DESK),
        appointment_id=booked.follow_up.pk,
        start=at(later, 10),
        end=at(later, 11),
        now=clock.now(),
    )

    assert moved.start == at(later, 10)


def test_moving_a_preparation_after_the_medicine_session_is_refused(
    actor: ActorOf, world: World
) -> None:
    _medicine_with_integration(world, actor)
    preparation = Appointment.objects.filter(kind="preparation").order_by("start").last()
    assert preparation is not None
    after = world.day + dt.timedelta(days=2)

    with pytest.raises(Refused) as refused:
        services.reschedule_appointment(
            actor=actor(Role.FRONT_DESK),
            appointment_id=preparation.pk,
            start=at(after, 15),
            end=at(after, 16),
            now=clock.now(),
        )

    assert [v.rule for v in refused.value.violations] == [Rule.MEDICINE_REQUIRES_PREPARATION]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only"
)
def test_a_move_that_loses_the_race_is_a_409(
    signed_in: SignedIn,
    world: World,
    actor: ActorOf,
    other_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given another client's session in the same room, booked after our check passed
    appointment = book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    services.book_appointment(
        actor=actor(Role.FRONT_DESK),
        request=services.AppointmentRequest(
            client_id=other_client.pk,
            kind=AppointmentKind.THERAPY,
            modality=Modality.IN_PERSON,
            start=at(world.day, 14),
            end=at(world.day, 15),
            staff_ids=(world.staff[Role.MEDICAL_PROVIDER].pk,),
            location_id=world.office.pk,
            room_id=world.therapy_room.pk,
        ),
        now=clock.now(),
    )
    monkeypatch.setattr(rescheduling, "check", lambda facts, policy: [])

    # When the move is saved, the database's exclusion constraint refuses it
    status, body = post(
        signed_in(Role.FRONT_DESK),
        appointment.pk,
        {"start": at(world.day, 14).isoformat(), "end": at(world.day, 14, 50).isoformat()},
    )

    # Then it is a lost race, and the appointment has not moved
    assert status == 409
    assert isinstance(body, dict)
    assert [v["rule"] for v in body["violations"]] == [Rule.CONFLICT_ROOM.value]
    appointment.refresh_from_db()
    assert appointment.start == at(world.day, 10)
