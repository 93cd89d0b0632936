"""A medical provider changes the practice's pre-dose hold in real Chromium: a value below
the acknowledgement threshold is refused on its field, a good one is saved with its reason
as the source; a monitor reads the settings without a form; axe on the page."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.medicine.models import PracticeMedicineSettings
from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

HOLD = "Pre-dose hold: systolic at or above (mmHg)"


def test_a_medical_provider_changes_the_hold_threshold(
    page: Page, staff: dict[Role, StaffMember], assert_accessible: Callable[[Page], None]
) -> None:
    sign_in(page, staff[Role.MEDICAL_PROVIDER].user.email, TEST_PASSWORD)
    page.goto("/schedule/settings/")
    page.get_by_role("link", name="medicine settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medicine settings")
    assert_accessible(page)

    page.get_by_label(HOLD).fill("130")
    page.get_by_label("Why the change").fill("Medical director's protocol")
    page.get_by_role("button", name="Save settings").click()
    expect(page).to_have_title(re.compile(r"^Error: Medicine settings"))
    expect(page.get_by_text("The hold must be at or above").first).to_be_visible()
    assert_accessible(page)
    assert not PracticeMedicineSettings.objects.exists()

    page.get_by_label(HOLD).fill("150")
    page.get_by_label("Why the change").fill("Medical director's protocol")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The medicine settings are saved.")).to_be_visible()
    row = page.get_by_role("row", name=HOLD)
    expect(row).to_contain_text("150")
    expect(row).to_contain_text("Medical director's protocol")
    stored = PracticeMedicineSettings.objects.get().overrides
    assert stored["hold_systolic_at_or_above"]["value"] == 150


def test_a_monitor_reads_the_settings_without_a_form(
    page: Page, staff: dict[Role, StaffMember], assert_accessible: Callable[[Page], None]
) -> None:
    sign_in(page, staff[Role.MONITOR].user.email, TEST_PASSWORD)
    page.goto("/practice/medicine-settings/")
    expect(page.get_by_role("row", name=HOLD)).to_contain_text("160")
    expect(page.get_by_role("button", name="Save settings")).to_have_count(0)
    expect(page.get_by_text("Medical providers change these settings.")).to_be_visible()
    assert_accessible(page)
