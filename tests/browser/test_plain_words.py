"""Plain words in real Chromium: a likely duplicate client asked about next to the name,
and the product's own error page (issue 9)."""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, make_client

pytestmark = pytest.mark.browser


def test_front_desk_is_asked_before_adding_a_client_already_on_file(
    page: Page,
    practice: Practice,
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    # Given Rowan Testperson, born 12 Apr 1988, already on file
    on_file = make_client(
        practice=practice,
        legal_given_name="Rowan",
        legal_family_name="Testperson",
        date_of_birth=dt.date(1988, 4, 12),
    )
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)

    # When front desk adds the same person again
    page.goto("/clients/new/")
    page.get_by_label("Legal first name").fill("Rowan")
    page.get_by_label("Legal last name").fill("testperson")
    page.get_by_label("Date of birth").fill("1988-04-12")
    page.get_by_label("Home state").select_option(label="Pennsylvania")
    page.get_by_role("button", name="Add client").click()

    # Then the page says so beside a "This is a different person" box, and links the record
    box = page.get_by_label("This is a different person")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_confirm_duplicate_error")).to_contain_text("already on file")
    expect(page.get_by_role("link", name="Open the client on file")).to_have_attribute(
        "href", f"/clients/{on_file.pk}/profile/"
    )
    assert Client.objects.count() == 1
    assert_accessible(page)

    # When they tick it and add the client again
    box.check()
    page.get_by_role("button", name="Add client").click()

    # Then the second client is added
    expect(page).to_have_url(re.compile(r"/clients/\d+/profile/$"))
    assert Client.objects.count() == 2


def test_a_missing_page_is_the_products_own(
    page: Page, staff: dict[Role, StaffMember], assert_accessible: Callable[[Page], None]
) -> None:
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)

    response = page.goto("/no/such/page/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Back to the start page")).to_be_visible()
    expect(page.get_by_text("Using the URLconf")).to_have_count(0)
    assert_accessible(page)
