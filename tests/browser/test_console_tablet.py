"""The medicine-session console on the session monitor's tablet, either way up (768 x 1024
and 1024 x 768), in real Chromium: nothing scrolls sideways, a jump bar keeps the vitals
and event entry one tap away, the vitals form comes before the readings, and a refusal
shows inside the card whose form was refused, scrolled into view."""

import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from kapcare.core import clock
from kapcare.medicine import services
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.people.access import actor_for_user
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

WARM_UP_MS = 60_000
"""The live server's first request imports every view; on a busy machine it is slow."""

MINUTE = dt.timedelta(minutes=1)
PORTRAIT: ViewportSize = {"width": 768, "height": 1024}
LANDSCAPE: ViewportSize = {"width": 1024, "height": 768}


@pytest.fixture
def appointment(team_clients: list[Client], staff: dict[Role, StaffMember]) -> Appointment:
    appointment = ready_medicine_appointment(
        team_clients[0], staff, start=clock.now() - 60 * MINUTE
    )
    monitor = actor_for_user(staff[Role.MONITOR].user)
    for minutes in (50, 40, 30, 20, 10):  # a record long enough to scroll
        services.record_vitals(
            actor=monitor, appointment_id=appointment.pk, at=clock.now() - minutes * MINUTE,
            systolic=124, diastolic=80, heart_rate=72, spo2=98, now=clock.now(),
        )  # fmt: skip
    return appointment


def _local(appointment: Appointment, moment: dt.datetime) -> str:
    assert appointment.location is not None
    zone = zoneinfo.ZoneInfo(appointment.location.time_zone)
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_the_console_fits_a_tablet_and_keeps_the_entry_one_tap_away(
    page: Page,
    staff: dict[Role, StaffMember],
    appointment: Appointment,
    viewport: ViewportSize,
    assert_accessible: Callable[[Page], None],
) -> None:
    page.set_viewport_size(viewport)
    page.goto("/accounts/sign-in/", timeout=WARM_UP_MS)
    sign_in(page, staff[Role.MONITOR].user.email, TEST_PASSWORD)

    page.goto(f"/appointments/{appointment.pk}/medicine/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Medicine session")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    vitals = page.get_by_role("region", name="2. Vitals")
    form_box = vitals.get_by_role("button", name="Record vitals").bounding_box()
    table_box = vitals.get_by_role("table", name="Readings").bounding_box()
    assert form_box is not None
    assert table_box is not None
    assert form_box["y"] < table_box["y"]  # entry before the readings
    # Touch targets: the buttons are at least 44 px tall
    assert form_box["height"] >= 44
    # From anywhere on the page, one tap reaches the entry
    page.mouse.wheel(0, 5000)
    jump = page.get_by_role("navigation", name="Session sections")
    expect(jump).to_be_in_viewport()  # it stays at the top
    jump.get_by_role("link", name="Adverse event").click()
    expect(
        page.get_by_role("region", name="5. Adverse events").get_by_role(
            "button", name="Record adverse event"
        )
    ).to_be_in_viewport()
    jump.get_by_role("link", name="Vitals").click()
    expect(vitals.get_by_label("Systolic (mmHg)")).to_be_in_viewport()
    page.wait_for_load_state()
    assert_accessible(page)


def test_a_refusal_shows_inside_the_refused_card_scrolled_into_view(
    page: Page, staff: dict[Role, StaffMember], appointment: Appointment
) -> None:
    page.set_viewport_size(PORTRAIT)
    page.goto("/accounts/sign-in/", timeout=WARM_UP_MS)
    sign_in(page, staff[Role.MONITOR].user.email, TEST_PASSWORD)
    page.goto(f"/appointments/{appointment.pk}/medicine/")

    # When the monitor records a dose before the checklist is saved
    dose = page.get_by_role("region", name="3. Dose")
    dose.get_by_label("Time").fill(_local(appointment, clock.now() - MINUTE))
    dose.get_by_label("Dose (mg)").fill("100")
    dose.get_by_label("Lot number").fill("LOT-1")
    dose.get_by_role("button", name="Record dose").click()

    # Then the refusal is in the dose card, in view, and nowhere else
    dose = page.get_by_role("region", name="3. Dose")
    refusal = dose.get_by_role("alert")
    expect(refusal).to_be_visible()
    expect(refusal).to_be_in_viewport()
    expect(page.get_by_role("alert")).to_have_count(1)
