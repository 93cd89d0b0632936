"""Journeys in real Chromium: a therapist sets working hours and time off; front desk finds
a free time for a client and follows it to the booking form. axe checks every new page."""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.core import clock
from kapcare.core.wording import fmt_date
from kapcare.people.models import Client, Location, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.models import Appointment, TimeOff, WorkingHours
from tests.browser.conftest import sign_in
from tests.browser.test_staff_days import _ready_for_medicine
from tests.factories import TEST_PASSWORD, make_appointment, make_location, make_room

pytestmark = pytest.mark.browser


@pytest.fixture
def office(practice: Practice) -> Location:
    location = make_location(practice=practice, name="Bryn Mawr office")
    make_room(location=location, name="Willow", kind=RoomKind.THERAPY)
    make_room(location=location, name="Medicine room", kind=RoomKind.MEDICINE)
    return location


def _sign_in(page: Page, member: StaffMember) -> None:
    sign_in(page, member.user.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_therapist_sets_working_hours_and_time_off(
    page: Page,
    staff: dict[Role, StaffMember],
    office: Location,
    assert_accessible: Callable[[Page], None],
) -> None:
    therapist = staff[Role.THERAPIST]
    _sign_in(page, therapist)
    page.get_by_role("link", name="My schedule").click()
    expect(page.get_by_role("heading", name=f"Working hours: {therapist.name}")).to_be_visible()
    assert_accessible(page)

    # A mistake first: the hours end before they start
    add = page.locator("form", has=page.get_by_role("heading", name="Add working hours"))
    add.get_by_label("Day").select_option("Wednesday")
    add.get_by_label("Location").select_option(label="Bryn Mawr office")
    add.get_by_label("From").fill("13:00")
    add.get_by_label("Until").fill("09:00")
    add.get_by_role("button", name="Add hours").click()
    expect(page.get_by_role("alert")).to_contain_text("must end after they start")
    assert_accessible(page)

    add = page.locator("form", has=page.get_by_role("heading", name="Add working hours"))
    add.get_by_label("From").fill("09:00")
    add.get_by_label("Until").fill("13:00")
    add.get_by_role("button", name="Add hours").click()
    expect(page.get_by_text("Working hours added.")).to_be_visible()
    row = page.get_by_role("row", name="Wednesday")
    expect(row).to_contain_text("9:00 am\u20131:00 pm")
    expect(row).to_contain_text("Bryn Mawr office")

    away = page.locator("form", has=page.get_by_role("heading", name="Add time off"))
    away.get_by_label("From (date)").fill("2031-03-03")
    away.get_by_label("Until (date)").fill("2031-03-07")
    away.get_by_label("Reason").fill("Conference")
    away.get_by_role("button", name="Add time off").click()
    expect(page.get_by_text("Time off added.")).to_be_visible()
    expect(page.get_by_text("Conference")).to_be_visible()

    hours = WorkingHours.objects.get(staff=therapist)
    assert (hours.weekday, hours.start_time, hours.end_time) == (2, dt.time(9), dt.time(13))
    assert TimeOff.objects.get(staff=therapist).reason == "Conference"

    # The calendar feed page is one click away, and accessible
    page.get_by_role("link", name="Your calendar feed").click()
    page.get_by_role("button", name="Create a feed address").click()
    url = page.get_by_label("Feed address").input_value()
    assert "/feeds/calendar/" in url
    feed = page.request.get(url)
    assert feed.status == 200
    assert feed.text().startswith("BEGIN:VCALENDAR")
    assert_accessible(page)


def test_front_desk_finds_a_time_and_follows_it_to_the_booking_form(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    office: Location,
    assert_accessible: Callable[[Page], None],
) -> None:
    therapist = staff[Role.THERAPIST]
    monday = clock.today() + dt.timedelta(days=7 - clock.today().weekday() + 7)
    WorkingHours.objects.create(
        staff=therapist,
        location=office,
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    _sign_in(page, staff[Role.FRONT_DESK])
    page.get_by_role("link", name="Find a time").click()
    expect(page.get_by_role("heading", name="Find a time")).to_be_visible()
    assert_accessible(page)

    # Forgetting the office for an in-person session is explained on the field
    page.get_by_label("Client", exact=True).select_option(label=team_clients[0].display_name)
    page.get_by_label("Kind of session").select_option("therapy")
    page.get_by_role("button", name="Find times").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the office")
    assert_accessible(page)

    page.get_by_label("Location").select_option(label="Bryn Mawr office")
    page.get_by_role("group", name="Staff", exact=True).get_by_label(therapist.name).check()
    page.get_by_label("Length in minutes").fill("50")
    page.get_by_label("From date").fill(monday.isoformat())
    page.get_by_label("How many slots").fill("3")
    page.get_by_role("button", name="Find times").click()

    results = page.get_by_role("table")
    expect(results.get_by_role("row")).to_have_count(4)  # a header and three times
    expect(results.get_by_role("row").nth(1)).to_contain_text("9:00 am\u20139:50 am")
    expect(results.get_by_role("row").nth(1)).to_contain_text("Willow")
    assert_accessible(page)

    # Each time opens the booking form filled in, or books in one click
    change = page.get_by_role("link", name=re.compile("^Change first")).first.get_attribute("href")
    assert change is not None
    assert change.split("?")[0].endswith("/appointments/new/")
    assert f"date={monday.isoformat()}" in change
    assert "start_time=09%3A00" in change
    assert f"client={team_clients[0].pk}" in change
    before = set(Appointment.objects.values_list("pk", flat=True))
    page.get_by_role("button", name=re.compile("^Book ")).first.click()
    expect(page.get_by_role("status")).to_contain_text("The appointment was booked.")
    booked = Appointment.objects.exclude(pk__in=before).get()
    assert (booked.client_id, booked.kind) == (team_clients[0].pk, "therapy")


def test_the_settings_page_is_accessible_and_saves(
    page: Page, staff: dict[Role, StaffMember], assert_accessible: Callable[[Page], None]
) -> None:
    _sign_in(page, staff[Role.FRONT_DESK])
    page.goto("/schedule/settings/")
    assert_accessible(page)
    page.get_by_label("Ongoing: preparation sessions before a medicine session").fill("3")
    page.get_by_label("Why the change").fill("Our clinical lead's standard")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The scheduling settings are saved.")).to_be_visible()
    expect(page.get_by_role("row", name="Ongoing: preparation sessions")).to_contain_text(
        "(changed)"
    )
    assert_accessible(page)


def test_front_desk_finds_a_medicine_time_with_its_integration_and_books_both(
    page: Page,
    practice: Practice,
    staff: dict[Role, StaffMember],
    office: Location,
    assert_accessible: Callable[[Page], None],
) -> None:
    # Given a client ready for a medicine session (an intensive plan: integration within
    # two days), with a preparation session before the searched week
    client = _ready_for_medicine(practice, staff)
    today = clock.today()
    monday = today + dt.timedelta(days=14 - today.weekday())
    zone = zoneinfo.ZoneInfo(office.time_zone)
    preparation = dt.datetime.combine(monday - dt.timedelta(days=3), dt.time(10), tzinfo=zone)
    make_appointment(
        client=client, kind="preparation", start=preparation,
        end=preparation + dt.timedelta(minutes=50), location=office,
        room=office.rooms.get(name="Willow"), staff=[staff[Role.THERAPIST]],
    )  # fmt: skip
    _sign_in(page, staff[Role.FRONT_DESK])

    # When front desk looks for a medicine session with the therapist and the monitor
    page.get_by_role("link", name="Find a time").click()
    page.get_by_label("Client", exact=True).select_option(label=client.display_name)
    page.get_by_label("Kind of session").select_option(label="Medicine session")
    page.get_by_label("Location").select_option(label="Bryn Mawr office")
    chosen = page.get_by_role("group", name="Staff", exact=True)
    chosen.get_by_label(staff[Role.THERAPIST].name).check()
    chosen.get_by_label(staff[Role.MONITOR].name).check()
    page.get_by_label("From date").fill(monday.isoformat())
    page.get_by_label("How many slots").fill("1")
    page.get_by_role("button", name="Find times").click()

    # Then the time comes with its integration session the next day, in a therapy room
    results = page.get_by_role("table")
    expect(results.get_by_role("columnheader", name="Integration session")).to_be_visible()
    row = results.get_by_role("row").nth(1)
    expect(row).to_contain_text("8:00 am\u201311:00 am")
    expect(row).to_contain_text("Medicine room")
    expect(row).to_contain_text(f"{fmt_date(monday + dt.timedelta(days=1))}")
    expect(row).to_contain_text("Willow")
    assert_accessible(page)

    # When they press "Book both"
    row.get_by_role("button", name=re.compile("^Book both")).click()

    # Then both are booked in one act, the integration linked to the medicine session
    expect(page.get_by_role("status")).to_contain_text(
        "The appointment and its integration session were booked."
    )
    medicine = Appointment.objects.get(client=client, kind="medicine")
    integration = Appointment.objects.get(client=client, kind="integration")
    assert integration.follow_up_of_id == medicine.pk
    assert integration.start.astimezone(zone).date() == monday + dt.timedelta(days=1)
    assert_accessible(page)
