"""Journey in real Chromium: front desk plans two intensives in one week and books them.
axe checks every new page."""

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.intensives.models import IntensivePlan
from kapcare.intensives.tests.records import MONDAY, office, ready_for_intensive
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, make_client

pytestmark = pytest.mark.browser


def test_front_desk_plans_two_intensives_in_one_week_and_books_them(
    page: Page,
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    assert_accessible: Callable[[Page], None],
) -> None:
    office(practice, staff)
    second = make_client(practice=practice, legal_given_name="Rowan", legal_family_name="Ashby")
    for client in (team_client, second):
        ready_for_intensive(client, staff)

    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Intensives").click()
    expect(page.get_by_role("heading", name="Plan intensives")).to_be_visible()
    assert_accessible(page)

    page.get_by_label(team_client.display_name).check()
    page.get_by_label("Rowan Ashby").check()
    page.get_by_label("Days of the intensive").fill("3")
    page.get_by_label("Earliest start").fill(MONDAY.isoformat())
    page.get_by_role("button", name="Plan").click()
    expect(page.get_by_role("heading", name="Proposed plan")).to_be_visible()
    by_room = page.get_by_role("table", name="By room")
    expect(by_room).to_contain_text("Medicine session, Rowan Ashby")
    expect(by_room).to_contain_text(f"Medicine session, {team_client.display_name}")
    expect(page.get_by_role("table", name="By clinician")).to_contain_text(
        staff[Role.MONITOR].display_name
    )
    assert_accessible(page)

    # A preference changed and planned again: the days should end by 15:00.
    page.get_by_label(f"Days end by, for {team_client.display_name}").fill("15:00")
    page.get_by_role("button", name="Plan again").click()
    expect(page.get_by_role("heading", name="Proposed plan")).to_be_visible()
    # Kept in the client's plan, for the next planning too.
    page.get_by_role("button", name="Save these preferences in the clients' plans").click()
    expect(page.get_by_text("The preferences are saved in 1 intensive plan.")).to_be_visible()
    assert IntensivePlan.objects.get(client=team_client).day_ends_by == dt.time(15)
    assert_accessible(page)

    page.get_by_role("button", name="Book this plan").click()
    expect(page.get_by_text("Booked the intensives: 18 appointments.")).to_be_visible()
    assert_accessible(page)
    assert Appointment.objects.filter(client__in=[team_client, second]).count() == 18
    days = {a.start.date() for a in Appointment.objects.all()}
    assert (max(days) - min(days)).days < 7  # both in one week


def test_front_desk_changes_an_intensive_plan_and_plans_it_again(
    page: Page,
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    assert_accessible: Callable[[Page], None],
) -> None:
    office(practice, staff)
    ready_for_intensive(team_client, staff)

    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Intensives").click()
    page.get_by_text("Change a client's intensive plan").click()
    page.get_by_role("link", name=team_client.display_name).click()
    expect(page.get_by_role("heading", name=f"Intensive plan for {team_client.display_name}"))
    assert_accessible(page)

    # Day 3's EMDR block moves from video to the office and grows to two hours; the
    # client will be in New Jersey for what stays by video.
    page.get_by_label("Day 3, block 1: in person or by video").select_option("in_person")
    page.get_by_label("Day 3, block 1: minutes").fill("120")
    page.get_by_label("Where the client will be during the video blocks").select_option("NJ")
    page.get_by_role("button", name="Save and plan the intensive").click()

    expect(page.get_by_text("The intensive plan is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Proposed plan")).to_be_visible()
    by_room = page.get_by_role("table", name="By room")
    expect(by_room).to_contain_text(f"EMDR, {team_client.display_name}")
    assert_accessible(page)
    stored = IntensivePlan.objects.get(client=team_client)
    assert stored.pattern[2][0] == {"activity": "emdr", "minutes": 120, "modality": "in_person"}
    assert stored.virtual_location_state == "NJ"

    # Planned again from the planning page, then booked.
    page.get_by_role("button", name="Plan again").click()
    expect(page.get_by_role("heading", name="Proposed plan")).to_be_visible()
    page.get_by_role("button", name="Book this plan").click()
    expect(page.get_by_text("Booked the intensives: 9 appointments.")).to_be_visible()
    held = {
        (a.end - a.start, a.modality)
        for a in Appointment.objects.filter(client=team_client, kind="therapy")
    }
    assert (dt.timedelta(minutes=120), "in_person") in held
