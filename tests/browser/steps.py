"""Steps several browser journeys take the same way: signing in as one of the world's
staff, the console's pre-dose checklist and a medicine session's integration on the
booking form."""

import datetime as dt

from playwright.sync_api import Locator, Page, expect

from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.world import World


def sign_in_as(page: Page, world: World, role: Role) -> None:
    """Sign in through the form as the world's staff member holding ``role``."""
    sign_in(page, world.staff[role].user.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


CHECKLIST_BOXES = (
    "Identity confirmed",
    "Fasting confirmed",
    "Agrees not to drive until the next day",
    "Today's PHQ-9 and ASQ done, no flag awaiting review",
)


def fill_checklist(page: Page, *, escort: str = "Sam Ride") -> Locator:
    """Tick every box of the console's pre-dose checklist and name the escort (unsaved)."""
    checklist = page.get_by_role("region", name="1. Pre-dose checklist")
    for label in CHECKLIST_BOXES:
        checklist.get_by_label(label).check()
    checklist.get_by_label("Escort (ride home)").fill(escort)
    return checklist


def fill_integration(page: Page, *, day: dt.date, office: str, room: str) -> None:
    """Book the integration session with the medicine session: 10:00 to 10:50 on ``day``,
    in ``room`` of ``office``, with the therapist."""
    follow_up = page.get_by_role("group", name="Integration session", exact=True)
    follow_up.get_by_label("Book the integration session together with it").check()
    follow_up.get_by_label("Integration: date").fill(day.isoformat())
    follow_up.get_by_label("Integration: starts at").fill("10:00")
    follow_up.get_by_label("Integration: ends at").fill("10:50")
    follow_up.get_by_label("Integration: location").select_option(label=office)
    follow_up.get_by_label("Integration: room").select_option(label=room)
    follow_up.get_by_role("checkbox", name="Test Therapist (Therapist)").check()
