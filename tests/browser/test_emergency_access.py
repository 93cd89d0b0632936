"""Emergency access in real Chromium: a therapist off the care team opens a client's
record in an emergency (from its "not found" page), sees the chart with the banner; the
privacy officer finds it on the home page and the review list and marks it reviewed.
Axe on every page of the journey."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.people.models import Client, EmergencyAccess, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

REASON = "Client called the office in crisis; their therapist is away today."


def test_an_off_team_therapist_opens_a_record_and_the_privacy_officer_reviews_it(
    page: Page,
    staff: dict[Role, StaffMember],
    other_client: Client,
    assert_accessible: Callable[[Page], None],
) -> None:
    therapist = staff[Role.THERAPIST].user
    sign_in(page, therapist.email, TEST_PASSWORD)

    # The record is not theirs: "not found", with the way in for an emergency.
    response = page.goto(f"/clients/{other_client.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=2, name="Is this an emergency?")).to_be_visible()
    expect(page.get_by_text(other_client.legal_family_name)).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Emergency access").click()

    # The reason is required.
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a record")
    expect(page.get_by_text("lasts 4 hours")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Open the record in an emergency").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why you need this record now")
    assert_accessible(page)
    page.get_by_label("Why do you need this record now?").fill(REASON)
    page.get_by_role("button", name="Open the record in an emergency").click()

    # The chart, with the banner saying when the access ends.
    expect(page).to_have_url(re.compile(rf"/clients/{other_client.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(other_client.legal_family_name)
    banner = page.locator(".emergency-banner")
    expect(banner).to_contain_text("Emergency access.")
    expect(banner).to_contain_text(re.compile(r"Your access ends \w{3} \d{1,2} \w{3} \d{4}, "))
    expect(
        page.get_by_role("status").filter(has_text="privacy officer has been told")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The privacy officer: told on the home page, reviews it on the list.
    officer = staff[Role.PRIVACY_OFFICER].user
    sign_in(page, officer.email, TEST_PASSWORD)
    expect(page.get_by_text("1 emergency access to review.")).to_be_visible()
    page.get_by_role("link", name="Review emergency accesses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency accesses")
    card = page.locator("section.emergency-access")
    expect(card.get_by_role("heading", level=2)).to_have_text(
        f"{therapist.full_name} opened the record of {other_client.display_name}"
    )
    expect(card).to_contain_text(REASON)
    expect(card.get_by_role("table")).to_contain_text("Opened: the client's safety flags")
    assert_accessible(page)
    card.get_by_label("Review note").fill("Confirmed with the client's therapist.")
    card.get_by_role("button", name="Mark as reviewed").click()

    expect(page.get_by_role("status")).to_contain_text("Marked as reviewed.")
    expect(page.get_by_text("No emergency accesses to review.")).to_be_visible()
    page.get_by_role("link", name="All").click()
    expect(page.locator("section.emergency-access")).to_contain_text(
        "Reviewed by " + officer.full_name
    )
    assert_accessible(page)
    access = EmergencyAccess.objects.get()
    assert access.review_note == "Confirmed with the client's therapist."
