"""The calendar's time grid by keyboard, in real Chromium with axe: every free cell is its
own tab stop named with the day, time and place; an occupied cell reads as the session it
holds; Enter on a free cell opens the booking form filled in with it."""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.core import clock
from kapcare.core.wording import fmt_date
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, make_appointment, make_location, make_room

pytestmark = pytest.mark.browser


def test_front_desk_picks_a_free_time_in_the_grid_with_the_keyboard(
    page: Page,
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    assert_accessible: Callable[[Page], None],
) -> None:
    # Given an office with two rooms and a session in the second at 7:00 am
    office = make_location(practice=practice, name="Bryn Mawr office")
    harbor = make_room(location=office, name="Harbor", kind=RoomKind.MEDICINE)
    willow = make_room(location=office, name="Willow", kind=RoomKind.THERAPY)
    day = clock.today() + dt.timedelta(days=7)
    zone = zoneinfo.ZoneInfo(office.time_zone)
    start = dt.datetime.combine(day, dt.time(7), tzinfo=zone)
    client = team_clients[0]
    make_appointment(
        client=client, kind="therapy", start=start, end=start + dt.timedelta(minutes=50),
        location=office, room=willow, staff=[staff[Role.THERAPIST]],
    )  # fmt: skip
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(
        f"/calendar/?view=day&by=room&layout=grid&location={office.pk}&date={day.isoformat()}"
    )
    grid = page.get_by_role("table", name=re.compile("one column per room"))
    expect(grid).to_be_visible()
    assert_accessible(page)

    # When they move into the grid with Tab
    page.get_by_role("region", name="Time grid").focus()
    page.keyboard.press("Tab")

    # Then the first free cell has focus, named with its day, time and place
    when = fmt_date(day)
    first = grid.get_by_role("link", name=f"Book {when} at 7:00 am in Harbor (Bryn Mawr office)")
    expect(first).to_be_focused()

    # and the next tab stop is the occupied cell, which reads as the session it holds
    page.keyboard.press("Tab")
    occupied = page.locator(":focus")
    expect(occupied).to_contain_text("7:00 am\u20137:50 am")
    expect(occupied).to_contain_text(client.display_name)

    # and then the next free cell, a quarter of an hour later
    page.keyboard.press("Tab")
    quarter = grid.get_by_role("link", name=f"Book {when} at 7:15 am in Harbor (Bryn Mawr office)")
    expect(quarter).to_be_focused()

    # When they press Enter on it
    page.keyboard.press("Enter")

    # Then the booking form has that day, time and room
    session = page.get_by_role("group", name="Session", exact=True)
    expect(session.get_by_label("Date", exact=True)).to_have_value(day.isoformat())
    expect(session.get_by_label("Starts at", exact=True)).to_have_value("07:15")
    expect(session.get_by_label(re.compile(r"^Room"))).to_have_value(str(harbor.pk))
    assert_accessible(page)


def test_a_narrowed_grid_names_the_place_on_every_free_cell(
    page: Page,
    practice: Practice,
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    # Given the week grid of one clinician at one office
    office = make_location(practice=practice, name="Bryn Mawr office")
    make_room(location=office, name="Willow", kind=RoomKind.THERAPY)
    therapist = staff[Role.THERAPIST]
    day = clock.today()
    monday = day - dt.timedelta(days=day.weekday())
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(
        f"/calendar/?view=week&layout=grid&staff={therapist.pk}&location={office.pk}"
        f"&date={monday.isoformat()}"
    )

    # Then a free cell's name says the day, the time, who and where
    grid = page.get_by_role("table", name=re.compile("one column per day"))
    expect(
        grid.get_by_role(
            "link",
            name=f"Book {fmt_date(monday)} at 9:00 am with {therapist.display_name} at "
            "Bryn Mawr office",
        )
    ).to_have_count(1)
    assert_accessible(page)
