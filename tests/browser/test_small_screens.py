"""Every main staff page fits a 390 px phone without sideways scrolling, and the medicine
console fits a tablet either way up, in real Chromium.

The page's scroll width is measured (``document.documentElement.scrollWidth``): wide
content (the calendar grid, long tables) may scroll inside its own region, never the page.
"""

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from kapcare.core import clock
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

WARM_UP_MS = 60_000
"""The live server's first request imports every view; on a busy machine it is slow."""

PHONE: ViewportSize = {"width": 390, "height": 844}

WIDEST = """width => Array.from(document.querySelectorAll("main *"))
  .filter(el => el.getBoundingClientRect().right > width + 1)
  .filter(el => !Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 1))
  .slice(0, 5)
  .map(el => [
    (el.closest("[id]") || {}).id, el.tagName.toLowerCase() + "." + el.className,
    Math.round(el.getBoundingClientRect().right),
  ].join(" "))
  .join("; ")"""
"""The innermost elements that stick out past the viewport (for the failure message)."""


def _too_wide(page: Page, paths: list[str]) -> list[str]:
    """The paths whose page scrolls sideways at the current viewport, with their widths."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    wide = []
    for path in paths:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        page.wait_for_load_state()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide.append(f"{path}: {scroll} px, {page.evaluate(WIDEST, width)}")
    return wide


def _signed_in_on_a_phone(page: Page, staff: dict[Role, StaffMember], role: Role) -> None:
    page.goto("/accounts/sign-in/", timeout=WARM_UP_MS)  # a loaded machine's first request
    sign_in(page, staff[role].user.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.set_viewport_size(PHONE)


def test_front_desk_pages_fit_a_phone(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    assert_accessible: Callable[[Page], None],
) -> None:
    client = team_clients[0]
    _signed_in_on_a_phone(page, staff, Role.FRONT_DESK)

    wide = _too_wide(
        page,
        [
            "/",
            "/?q=ashby",
            "/calendar/",
            "/calendar/?view=day",
            "/calendar/?view=day&by=room",
            "/calendar/?layout=list",
            "/appointments/new/",
            f"/schedule/availability/?client={client.pk}&kind=therapy&modality=telehealth"
            f"&staff={staff[Role.THERAPIST].pk}",
            "/practice/",
            f"/clients/{client.pk}/profile/",
            "/schedule/hours/",
        ],
    )

    assert wide == []
    # The menu folds behind one button, and opens
    page.goto("/")
    expect(page.get_by_role("link", name="Calendar")).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar")
    ).to_be_visible()
    assert_accessible(page)


def test_clinician_pages_fit_a_phone(
    page: Page, staff: dict[Role, StaffMember], team_clients: list[Client]
) -> None:
    client = team_clients[0]
    medicine = ready_medicine_appointment(
        client, staff, start=clock.now() - dt.timedelta(minutes=30)
    )
    _signed_in_on_a_phone(page, staff, Role.THERAPIST)

    wide = _too_wide(
        page,
        [
            "/",
            f"/clients/{client.pk}/",
            "/calendar/",
            "/calendar/?view=day",
            f"/appointments/{medicine.pk}/medicine/",
            "/schedule/hours/",
        ],
    )

    assert wide == []
