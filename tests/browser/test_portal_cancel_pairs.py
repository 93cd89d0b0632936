"""A client self-books in the portal (the care team is told) and then cancels around a
medicine session, in real Chromium on a phone: the integration session a dose counts on
says why it cannot be cancelled, and cancelling the medicine session takes its
integration session along. axe finds nothing on the way."""

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.tests.fixtures import portal_user_of
from kapcare.portal.tests.test_cancel_pairs import _book
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind
from tests.browser.conftest import sign_in
from tests.browser.test_portal_care import monday_morning, phone
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

__all__ = ["monday_morning", "phone"]  # fixtures, used by name


def test_a_client_self_books_then_cancels_a_medicine_session_with_its_integration(
    phone: Page,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    monday_morning: dt.datetime,
    assert_accessible: Callable[[Page], None],
) -> None:
    client = team_clients[0]
    medicine = _book(client, staff, AppointmentKind.MEDICINE, 3)
    integration = _book(client, staff, AppointmentKind.INTEGRATION, 5)
    user = portal_user_of(client, email="robin.ashby@example.com")
    sign_in(phone, user.email, TEST_PASSWORD)

    # Self-book a therapy session by video: the care team is told
    phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Sessions").click()
    phone.get_by_role("link", name="Book a session").click()
    phone.get_by_label("Therapy").check()
    phone.get_by_label("By video").check()
    phone.get_by_label("For a video session: the state you will be in").select_option("PA")
    phone.get_by_role("button", name="Show times").click()
    expect(phone.get_by_role("heading", name="Times you can book")).to_be_visible()
    phone.get_by_role("button", name="Book ").first.click()
    expect(phone.get_by_text("Your therapy session is booked.")).to_be_visible()
    assert_accessible(phone)
    assert CareTeamNotice.objects.filter(client=client, kind="session_booked").exists()

    # The integration session the dose counts on: why, beside where the button would be
    phone.locator(f'a[href="/portal/sessions/{integration.pk}/cancel/"]').click()
    expect(phone.get_by_text("follows your medicine session on")).to_be_visible()
    expect(phone.get_by_role("button", name="Cancel this session")).to_have_count(0)
    assert_accessible(phone)

    # The medicine session: its integration session goes with it
    phone.get_by_role("link", name="Back to your sessions").click()
    phone.locator(f'a[href="/portal/sessions/{medicine.pk}/cancel/"]').click()
    expect(phone.get_by_label("Cancel that integration session too")).to_be_checked()
    assert_accessible(phone)
    phone.get_by_role("button", name="Cancel this session").click()
    expect(phone.get_by_text("Your medicine session is cancelled.")).to_be_visible()
    assert_accessible(phone)
    statuses = dict(
        Appointment.objects.filter(pk__in=[medicine.pk, integration.pk]).values_list(
            "kind", "status"
        )
    )
    assert statuses == {"medicine": "cancelled", "integration": "cancelled"}
