"""The client's own care in the portal, in real Chromium on a phone (390 by 844): the
client writes intentions and shares them, books a session, downloads it to their
calendar and cancels it; a therapist publishes a new version of a consent document. axe
finds nothing on any page on the way."""

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from kapcare.core import clock
from kapcare.pathway.models import ConsentDocument
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.models import CareTeamNotice, JournalEntry
from kapcare.portal.tests.fixtures import consent_documents, portal_user_of
from kapcare.scheduling.models import Appointment
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

__all__ = ["consent_documents"]  # a fixture, used by name

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
INTENTION = "I would like to stay curious about the part that braces when someone gets close."


@pytest.fixture
def monday_morning(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """The clock held at 09:00 in Pennsylvania on a Monday (slots, notice and lead are
    then the same on every run)."""
    today = dt.datetime.now(NEW_YORK).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    now = dt.datetime.combine(monday, dt.time(9), NEW_YORK).astimezone(dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: now)
    return now


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def test_a_client_writes_intentions_books_downloads_and_cancels_a_session(
    phone: Page,
    team_clients: list[Client],
    monday_morning: dt.datetime,
    assert_accessible: Callable[[Page], None],
    tmp_path: Path,
) -> None:
    client = team_clients[0]
    user = portal_user_of(client, email="robin.ashby@example.com")
    sign_in(phone, user.email, TEST_PASSWORD)
    expect(phone).to_have_url(f"{phone.url.split('/portal/')[0]}/portal/")
    assert_accessible(phone)

    # Intentions, shared with the care team
    phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Journal").click()
    assert_accessible(phone)
    phone.get_by_role("link", name="Write your intentions").click()
    phone.get_by_label("Your intentions").fill(INTENTION)
    phone.get_by_label("Share this with my care team").check()
    assert_accessible(phone)
    phone.get_by_role("button", name="Keep it").click()
    expect(phone.get_by_text("Your care team can read it now.").first).to_be_visible()
    expect(phone.get_by_text(INTENTION)).to_be_visible()
    assert_accessible(phone)
    entry = JournalEntry.objects.get(client=client)
    assert entry.shared_at is not None
    assert CareTeamNotice.objects.filter(client=client, kind="intentions_shared").exists()

    # Book a therapy session by video
    phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Sessions").click()
    assert_accessible(phone)
    phone.get_by_role("link", name="Book a session").click()
    phone.get_by_label("Therapy").check()
    phone.get_by_label("By video").check()
    phone.get_by_label("For a video session: the state you will be in").select_option("PA")
    phone.get_by_role("button", name="Show times").click()
    expect(phone.get_by_role("heading", name="Times you can book")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("button", name="Book ").nth(2).click()
    expect(phone.get_by_text("Your therapy session is booked.")).to_be_visible()
    assert_accessible(phone)
    booked = Appointment.objects.get(client=client, booked_by_client=True)
    assert booked.booked_by_client
    assert booked.start >= monday_morning + dt.timedelta(hours=24)

    # Add it to the calendar
    with phone.expect_download() as download:
        phone.locator(f'a[href="/portal/sessions/{booked.pk}.ics"]').click()
    saved = tmp_path / "session.ics"
    download.value.save_as(saved)
    text = saved.read_text()
    assert "BEGIN:VCALENDAR" in text
    assert "SUMMARY:Therapy session" in text
    assert client.legal_family_name not in text

    # Cancel it
    phone.locator(f'a[href="/portal/sessions/{booked.pk}/cancel/"]').click()
    expect(phone.get_by_role("heading", name="Cancel this session?")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_label("Anything you would like your care team to know").fill("A work trip.")
    phone.get_by_role("button", name="Cancel this session").click()
    expect(phone.get_by_text("Your therapy session is cancelled.")).to_be_visible()
    assert_accessible(phone)
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    assert booked.status_changed_by_client


def test_a_therapist_publishes_a_new_version_of_the_informed_consent(
    page: Page,
    staff: dict[Role, StaffMember],
    consent_documents: dict[ConsentKind, ConsentDocument],
    assert_accessible: Callable[[Page], None],
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    page.goto("/practice/")
    page.get_by_role("link", name="see every version and who signed it").click()
    expect(page.get_by_role("heading", name="Consent documents", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Publish a new version of the KAP informed consent").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Informed consent for KAP (2027)")
    page.get_by_role("button", name="Publish this version").click()

    expect(page.get_by_text("Version 2 of the")).to_be_visible()
    assert_accessible(page)
    latest = ConsentDocument.objects.filter(kind=ConsentKind.KAP_INFORMED_CONSENT.value).order_by(
        "-published_at", "-id"
    )[0]
    assert (latest.version, latest.title) == ("2", "Informed consent for KAP (2027)")


def test_the_learn_pages_and_pausing_read_well_on_a_phone(
    phone: Page,
    team_clients: list[Client],
    assert_accessible: Callable[[Page], None],
) -> None:
    client = team_clients[0]
    user = portal_user_of(client, email="robin.ashby@example.com")
    sign_in(phone, user.email, TEST_PASSWORD)

    phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Learn").click()
    assert_accessible(phone)
    for title in (
        "What KAP sessions look like",
        "Preparing for a medicine session",
        "After a medicine session",
        "Staying safe",
        "Questions people ask",
    ):
        phone.get_by_role("link", name=title).click()
        expect(phone.get_by_role("heading", name=title, level=1)).to_be_visible()
        assert_accessible(phone)
        phone.get_by_role("link", name="Back to Learn").click()

    phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Pause").click()
    assert_accessible(phone)
    phone.get_by_label("Anything you would like to say").fill("I need some time.")
    phone.get_by_role("button", name="I'd like to pause").click()
    expect(phone.get_by_text("There is no pressure")).to_be_visible()
    assert_accessible(phone)
    notice = CareTeamNotice.objects.get(client=client, kind="pause_requested")
    assert notice.detail == "I need some time."
