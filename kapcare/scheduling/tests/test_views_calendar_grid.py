"""The calendar's time grid: a column per clinician, room or day, a row per 15 minutes,
blocks coloured by kind that open the console or chart, free cells that book there."""

import datetime as dt
import re
from collections.abc import Callable

from django.test import Client as HttpClient

from kapcare.core.wording import fmt_date
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Role
from kapcare.scheduling.tests.test_views import at, book
from kapcare.scheduling.tests.test_views_calendar import book_other
from kapcare.scheduling.vocabulary import AppointmentKind
from tests.factories import make_appointment
from tests.world import World

SignedIn = Callable[[Role], HttpClient]
ActorOf = Callable[[Role], Actor]


def _blocks(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<td rowspan="(\d+)" class="block kind-(\w+)', html)


def _headings(html: str) -> list[str]:
    head = html.split('<table class="calendar-grid">', 1)[1].split("</thead>", 1)[0]
    return re.findall(r'<th scope="col"(?: colspan="\d+")?(?: class="today")?>([^<]+)', head)


def test_the_day_grid_has_a_column_per_clinician_and_blocks_spanning_their_time(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    html = (
        signed_in(Role.FRONT_DESK)
        .get(f"/calendar/?view=day&date={world.day.isoformat()}")
        .content.decode()
    )

    assert _headings(html) == sorted(
        world.staff[r].display_name for r in (Role.MEDICAL_PROVIDER, Role.MONITOR, Role.THERAPIST)
    )
    assert _blocks(html) == [("4", "therapy")]  # 50 minutes: four rows of 15
    assert world.client.display_name in html
    # Front desk has no chart: the block opens rescheduling
    assert re.search(
        r'<a href="/appointments/\d+/reschedule/"><span class="block-time">10:00', html
    )
    # A free cell books there, with that clinician, for an hour
    therapist = world.staff[Role.THERAPIST].pk
    free = (
        f'href="/appointments/new/?date={world.day.isoformat()}&amp;start_time=11%3A00'
        f'&amp;end_time=12%3A00&amp;staff={therapist}"'
    )
    assert free in html
    assert f"Book {fmt_date(world.day)} at 11:00 am with" in html
    # Row headers read in the one time format, not the grid's 24-hour key
    assert re.search(r'class="time-col">(<span class="now-mark">Now</span> )?10:00 am</th>', html)
    assert "13:00" not in html


def test_the_room_grid_has_a_column_per_room_and_free_cells_book_the_room(
    signed_in: SignedIn, world: World, actor: ActorOf
) -> None:
    book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))

    html = (
        signed_in(Role.FRONT_DESK)
        .get(f"/calendar/?view=day&by=room&location={world.office.pk}&date={world.day.isoformat()}")
        .content.decode()
    )

    assert _headings(html) == ["Cedar (Bryn Mawr)", "Willow (Bryn Mawr)"]
    assert _blocks(html) == [("4", "therapy")]
    assert f"room={world.medicine_room.pk}" in html
    assert "in Cedar (Bryn Mawr)" in html


def test_a_medicine_block_opens_the_console_for_the_care_team(
    signed_in: SignedIn, world: World
) -> None:
    medicine = make_appointment(
        client=world.client,
        kind="medicine",
        start=at(world.day, 9),
        end=at(world.day, 12),
        location=world.office,
        room=world.medicine_room,
        staff=[world.staff[Role.THERAPIST], world.staff[Role.MONITOR]],
    )

    html = (
        signed_in(Role.MONITOR)
        .get(f"/calendar/?view=day&date={world.day.isoformat()}")
        .content.decode()
    )

    assert _blocks(html) == [("12", "medicine")]  # the monitor's own column
    assert f'<a href="/appointments/{medicine.pk}/medicine/">' in html


def test_the_week_grid_has_a_column_per_day_and_hides_who_is_outside_the_care_team(
    signed_in: SignedIn, world: World, actor: ActorOf, other_client: Client
) -> None:
    book(world, actor, AppointmentKind.THERAPY, at(world.day, 10))
    book_other(world, actor, other_client, at(world.day + dt.timedelta(days=1), 10))

    html = (
        signed_in(Role.THERAPIST).get(f"/calendar/?date={world.day.isoformat()}").content.decode()
    )

    headings = _headings(html)
    assert len(headings) == 7
    assert headings[0] == f"Mon {world.day.day} {world.day:%b}"
    assert _blocks(html) == [("4", "therapy"), ("4", "consultation")]
    assert other_client.display_name not in html
    assert '<span class="block-client">Busy</span>' in html


def test_the_list_stays_one_link_away(signed_in: SignedIn, world: World) -> None:
    html = signed_in(Role.FRONT_DESK).get("/calendar/").content.decode()

    assert "Show as a list" in html
    assert "layout=list" in html


def test_a_free_cell_of_a_narrowed_grid_names_who_and_where(
    signed_in: SignedIn, world: World
) -> None:
    therapist = world.staff[Role.THERAPIST]

    week = (
        signed_in(Role.FRONT_DESK)
        .get(
            f"/calendar/?staff={therapist.pk}&location={world.office.pk}"
            f"&date={world.day.isoformat()}"
        )
        .content.decode()
    )
    day = (
        signed_in(Role.FRONT_DESK)
        .get(f"/calendar/?view=day&location={world.office.pk}&date={world.day.isoformat()}")
        .content.decode()
    )

    # the week grid (a column per day): the clinician and the office
    assert (
        f"Book {fmt_date(world.day)} at 9:00 am with {therapist.display_name} at "
        f"{world.office.name}</span>"
    ) in week
    # the day grid (a column per clinician): each cell's clinician, and the office
    assert f"Book {fmt_date(world.day)} at 9:00 am with {therapist.display_name} at " in day
