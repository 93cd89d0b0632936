"""The second sign-in step in real Chromium: an authenticator app, then a passkey.

The passkey is made by Chromium's virtual authenticator (the DevTools WebAuthn
domain), so the whole WebAuthn ceremony runs: allauth's scripts, the browser's
credential API and the server's verification.
"""

import re
import time
from collections.abc import Callable

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _code(secret: str, *, step: int = 0) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step)))


def _confirm_password(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_therapist_sets_up_an_authenticator_app_and_signs_in_with_it(
    page: Page,
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    therapist = staff[Role.THERAPIST].user
    # Given a signed-in therapist on the sign-in security page
    sign_in(page, therapist.email, TEST_PASSWORD)
    page.get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in security")
    assert_accessible(page)

    # When they set up an authenticator app (the password is asked again first)
    page.get_by_role("link", name="Set up an authenticator app").click()
    _confirm_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    # a wrong code is refused next to its field
    expect(page.locator(".field-error")).to_contain_text("Incorrect code")
    assert_accessible(page)
    page.get_by_label("Authenticator code").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()

    # Then they are shown ten recovery codes
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.locator("#recovery_codes li")).to_have_count(10)
    assert_accessible(page)

    # And the next sign-in asks for the second step before any page opens
    _sign_out(page)
    sign_in(page, therapist.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/security/authenticate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Second sign-in step")
    assert_accessible(page)
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My clients")


def test_privacy_officer_adds_a_passkey_and_signs_in_with_it(
    page: Page,
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    officer = staff[Role.PRIVACY_OFFICER].user
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    # Given a signed-in privacy officer
    sign_in(page, officer.email, TEST_PASSWORD)
    page.goto("/accounts/security/")

    # When they add a passkey
    page.get_by_role("link", name="Add a passkey").click()
    _confirm_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey")
    assert_accessible(page)
    page.get_by_role("button", name="Add a passkey").click()

    # Then it is listed, with recovery codes made for them
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    page.goto("/accounts/security/webauthn/")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    assert_accessible(page)

    # And the next sign-in takes the passkey as the second step
    _sign_out(page)
    sign_in(page, officer.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Second sign-in step")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Audit log", exact=True)).to_be_visible()
