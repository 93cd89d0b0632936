"""The calendar: day and week, per clinician, location and room, in the location's zone."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core import clock
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Role
from kapcare.scheduling import services
from kapcare.scheduling.tests.test_views import (
    at,
    book,
)
from kapcare.scheduling.vocabulary import AppointmentKind, Modality
from tests.world import World

SignedIn = Callable[[Role], HttpClient]
ActorOf = Callable[[Role], Actor]


def book_other(world: World, actor: ActorOf, client: Client, start: dt.datetime) -> None:
    services.book_appointment(
        actor=actor(Role.FRONT_DESK),
        request=services.AppointmentRequest(
            client_id=client.pk,
            kind=AppointmentKind.CONSULTATION,
            modality=Modality.IN_PERSON,
            start=start,
            end=start + dt.timedelta(minutes=50),
            staff_ids=(world.staff[Role.THERAPIST].pk,),
            location_id=world.other_office.pk,
            room_id=world.other_room.pk,
        ),
        now=clock.now(),
    )


def test_the_week_shows_the_persons_own_schedule_by_default(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    book(world, actor, AppointmentKind.PREPARATION, at(world.day + dt.timedelta(days=2), 9))
    book(world, actor, AppointmentKind.THERAPY, at(world.day + dt.timedelta(days=7), 9))

    response = signed_in(Role.THERAPIST).get(f"/calendar/?layout=list&date={world.day.isoformat()}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Test Therapist (Therapist)" in html  # whose calendar
    assert html.count('<section aria-labelledby="day-') == 7
    assert html.count('<tr class="status-row-booked">') == 2
    assert "10:00 am\u201310:50 am" in html  # New York wall clock, not UTC
    assert world.client.display_name in html
    assert f"/appointments/{world.client.appointments.first().pk}/reschedule/" in html  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, client_id=world.client.pk, detail="page:calendar"
    ).exists()


def test_the_day_view_and_its_navigation(signed_in: SignedIn, world: World, actor: ActorOf) -> None:
    book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    day = world.day.isoformat()

    html = (
        signed_in(Role.THERAPIST)
        .get(f"/calendar/?layout=list&view=day&date={day}")
        .content.decode()
    )

    assert html.count('<section aria-labelledby="day-') == 1
    previous = (world.day - dt.timedelta(days=1)).isoformat()
    assert f"date={previous}" in html
    assert "Show the whole week" in html
    assert f"/appointments/new/?date={day}&amp;staff={world.staff[Role.THERAPIST].pk}" in html


def test_a_colleagues_client_off_my_team_shows_as_busy_without_a_name(
    signed_in: SignedIn, world: World, actor: ActorOf, other_client: Client
) -> None:
    book_other(world, actor, other_client, at(world.day, 15))

    html = (
        signed_in(Role.MEDICAL_PROVIDER)
        .get(
            f"/calendar/?layout=list&date={world.day.isoformat()}&staff={world.staff[Role.THERAPIST].pk}"
        )
        .content.decode()
    )

    assert "Busy (a client outside your care team)" in html
    assert other_client.legal_family_name not in html
    assert "/reschedule/" not in html


def test_front_desk_sees_a_location_and_a_room(
    signed_in: SignedIn, world: World, actor: ActorOf, other_client: Client
) -> None:
    book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    book_other(world, actor, other_client, at(world.day, 15))
    http = signed_in(Role.FRONT_DESK)
    day = world.day.isoformat()

    by_location = http.get(f"/calendar/?layout=list&date={day}&location={world.other_office.pk}")
    by_room = http.get(f"/calendar/?layout=list&date={day}&room={world.therapy_room.pk}")

    assert other_client.display_name in by_location.content.decode()
    assert world.client.display_name not in by_location.content.decode()
    assert world.client.display_name in by_room.content.decode()
    assert other_client.display_name not in by_room.content.decode()


def test_a_bad_date_is_shown_as_an_error_and_today_is_used(
    signed_in: SignedIn, world: World
) -> None:
    response = signed_in(Role.FRONT_DESK).get(
        "/calendar/?layout=list&date=2026-02-31&view=fortnight"
    )

    assert response.status_code == 422
    assert "Enter a real date" in response.content.decode()


def test_the_privacy_officer_has_no_calendar(signed_in: SignedIn, world: World) -> None:
    assert signed_in(Role.PRIVACY_OFFICER).get("/calendar/").status_code == 404


@pytest.mark.parametrize(
    "shown",
    ["layout=list&staff={therapist}", "", "view=day", "view=day&by=room"],
    ids=["list", "week-grid", "day-grid-by-clinician", "day-grid-by-room"],
)
def test_calendar_queries_do_not_grow_with_appointments(
    signed_in: SignedIn,
    world: World,
    actor: ActorOf,
    other_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    shown: str,
) -> None:
    http = signed_in(Role.FRONT_DESK)
    therapist = world.staff[Role.THERAPIST].pk
    url = f"/calendar/?date={world.day.isoformat()}&" + shown.format(therapist=therapist)
    book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    with CaptureQueriesContext(connection) as few:
        assert http.get(url).status_code == 200

    book(world, actor, AppointmentKind.THERAPY, at(world.day, 12))  # the same day, for day views
    for offset in range(1, 6):
        day = world.day + dt.timedelta(days=offset)
        book(world, actor, AppointmentKind.THERAPY, at(day, 10))
        book_other(world, actor, other_client, at(day, 15))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = http.get(url)
    html = response.content.decode()
    if shown.startswith("layout=list"):
        assert html.count('<tr class="status-row-booked">') == 12
    else:
        assert html.count('class="block kind-therapy') >= 2


def test_a_session_in_a_room_since_closed_still_names_its_place(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    # given a session booked in a room that has since been taken out of use
    book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    world.therapy_room.is_active = False
    world.therapy_room.save(update_fields=["is_active"])
    # when the list is shown
    response = signed_in(Role.THERAPIST).get(f"/calendar/?layout=list&date={world.day.isoformat()}")
    # then its place is named as before: the location and the room
    html = response.content.decode()
    assert f"<td>{world.office.name}, {world.therapy_room.name}</td>" in html
