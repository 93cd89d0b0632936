"""Journeys in real Chromium on the intensive edit pages (ADR 0027), axe on each page:

* the front desk adds a two-day pattern template (a day without its closure refused
  beside the grid), and it is listed;
* a medical provider starts a client's plan from that template and approves its second
  day for a medicine session; the front desk, shortening the intensive to one day, is
  refused beside the dosing days.
"""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.core import clock
from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.intensives.tests.records import MONDAY, PATTERN
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _block(page: Page, day: int, slot: int, activity: str, minutes: int) -> None:
    page.get_by_label(f"Day {day}, block {slot}: activity").select_option(activity)
    page.get_by_label(f"Day {day}, block {slot}: minutes").fill(str(minutes))


def test_the_front_desk_adds_a_pattern_template(
    page: Page, staff: dict[Role, StaffMember], assert_accessible: Callable[[Page], None]
) -> None:
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Intensives").click()
    page.get_by_role("link", name="The practice's pattern templates").click()
    expect(page.get_by_text("The practice has no template yet.")).to_be_visible()
    page.get_by_role("link", name="New template").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New intensive template")
    assert_accessible(page)

    # Two days drawn (nothing saved), then filled: day 2 without its closure
    page.get_by_label("Name of the template").fill("Two days")
    page.get_by_label("Days of the intensive").fill("2")
    page.get_by_role("button", name="Show these days").click()
    expect(page.get_by_role("table", name="Day 2")).to_be_visible()
    assert not PatternTemplate.objects.exists()
    _block(page, 1, 1, "preparation", 90)
    _block(page, 1, 2, "closure", 30)
    _block(page, 2, 1, "medicine", 180)
    _block(page, 2, 2, "integration", 60)
    page.get_by_role("button", name="Save the template").click()

    # Refused beside the grid, what was typed kept
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Days of the intensive")).to_have_accessible_description(
        re.compile("Day 2 must end with its daily closure.")
    )
    expect(page.get_by_label("Day 2, block 1: activity")).to_have_value("medicine")
    assert_accessible(page)
    assert not PatternTemplate.objects.exists()

    # With the closure it is saved and listed
    _block(page, 2, 3, "closure", 30)
    page.get_by_role("button", name="Save the template").click()
    expect(page.get_by_text("The template is saved.")).to_be_visible()
    expect(
        page.get_by_role("table", name="Templates").get_by_role("row", name="Two days 2")
    ).to_be_visible()
    assert_accessible(page)
    assert PatternTemplate.objects.get().pattern == [
        [
            {"activity": "preparation", "minutes": 90, "modality": "in_person"},
            {"activity": "closure", "minutes": 30, "modality": "in_person"},
        ],
        PATTERN[1],
    ]


def test_a_medical_provider_approves_the_dosing_day_the_front_desk_cannot_cut(
    page: Page,
    practice: Practice,
    staff: dict[Role, StaffMember],
    team_client: Client,
    assert_accessible: Callable[[Page], None],
) -> None:
    doctor = staff[Role.MEDICAL_PROVIDER]
    PatternTemplate.objects.create(
        practice=practice, name="Two days", pattern=[PATTERN[0], PATTERN[1]],
        updated_by=staff[Role.FRONT_DESK], updated_at=clock.now(),
    )  # fmt: skip

    # Given the medical provider on the client's intensive plan, started from the template
    sign_in(page, doctor.user.email, TEST_PASSWORD)
    page.goto(f"/clients/{team_client.pk}/intensive-plan/")
    page.get_by_label("Start from a template").select_option(label="Two days")
    page.get_by_role("button", name="Use this template").click()
    expect(page.get_by_label("Day 2, block 1: activity")).to_have_value("medicine")
    assert not IntensivePlan.objects.exists()

    # When they approve day 2 for the medicine session and save
    page.get_by_label("Earliest start").fill(MONDAY.isoformat())
    page.get_by_label("Day 2", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("The intensive plan is saved.")).to_be_visible()
    plan = IntensivePlan.objects.get(client=team_client)
    assert (plan.approved_dosing_days, plan.dosing_approved_by) == ([2], doctor)
    assert len(plan.pattern) == 2
    page.get_by_role("button", name="Sign out").click()

    # Then the front desk sees the approval but cannot change it, nor cut day 2
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.goto(f"/clients/{team_client.pk}/intensive-plan/")
    approved = page.get_by_label("Day 2", exact=True)
    expect(approved).to_be_checked()
    expect(approved).to_be_disabled()
    page.get_by_label("Days of the intensive").fill("1")
    page.get_by_role("button", name="Show these days").click()
    expect(page.get_by_role("table", name="Day 2")).to_have_count(0)
    page.get_by_role("button", name="Save the plan").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    dosing = page.get_by_role("group", name=re.compile("^Days approved for a medicine session"))
    expect(dosing).to_have_accessible_description(
        re.compile("Day 2 is approved for a medicine session and the intensive would have 1 day")
    )
    assert_accessible(page)
    assert len(IntensivePlan.objects.get(client=team_client).pattern) == 2
