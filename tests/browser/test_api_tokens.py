"""My API tokens in real Chromium: make one, see it once, use it, revoke it (issue 12,
finding 7)."""

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient
from playwright.sync_api import Page, expect

from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_therapist_makes_uses_and_revokes_an_api_token(
    page: Page,
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    # Given a signed-in therapist on "API tokens"
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My API tokens")
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    assert_accessible(page)

    # A token without a name is refused next to its field
    page.get_by_role("button", name="Make a token").click()
    expect(page.locator(".field-error")).to_be_visible()
    assert_accessible(page)

    # When they make a 30-day token for a reports script
    page.get_by_label("Name").fill("reports script")
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Make a token").click()

    # Then it is shown once, and it opens the API
    expect(page.get_by_role("heading", name="Your new token")).to_be_visible()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("kapc_")
    assert_accessible(page)
    api = HttpClient().get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200

    # And the list shows it live, with its last use, but never the secret again
    page.get_by_role("link", name="API tokens").click()
    row = page.get_by_role("row", name="reports script")
    expect(row).to_contain_text("Live")
    expect(row).not_to_contain_text("Never")
    assert secret not in page.content()

    # When they revoke it
    row.get_by_role("button", name="Revoke reports script").click()

    # Then it is revoked, and the API refuses it
    expect(page.get_by_role("status")).to_contain_text("The token is revoked")
    expect(page.get_by_role("row", name="reports script")).to_contain_text("Revoked by its owner")
    assert_accessible(page)
    api = HttpClient().get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401
