"""Automatic log-off in real Chromium: the warning dialog two minutes before, "Stay signed
in", then the sign-out and the sign-in page saying why; the medicine console's typed
values come back after signing in again. The page's clock and the server's session clock
are moved on together."""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.accounts import session_clock
from kapcare.core import clock
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


class Clocks:
    def __init__(self, page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
        self.page = page
        self.now = session_clock.wall_seconds()
        monkeypatch.setattr(session_clock, "wall_seconds", lambda: self.now)

    def idle(self, minutes: int) -> None:
        self.now += minutes * 60
        self.page.clock.fast_forward(f"{minutes:02d}:00")


def test_the_idle_warning_then_the_sign_out(
    page: Page,
    staff: dict[Role, StaffMember],
    monkeypatch: pytest.MonkeyPatch,
    assert_accessible: Callable[[Page], None],
) -> None:
    clocks = Clocks(page, monkeypatch)
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    page.clock.install()
    page.goto("/practice/")
    dialog = page.get_by_role("dialog", name="Are you still there?")
    expect(dialog).to_be_hidden()

    # 13 minutes without activity: the warning, two minutes before
    clocks.idle(13)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("you will be signed out in 2 minutes")
    assert_accessible(page)

    # "Stay signed in" starts the 15 minutes again
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    clocks.idle(10)
    expect(dialog).to_be_hidden()

    # then without activity: the warning at 13 minutes, signed out at 15 and told why
    clocks.idle(3)
    expect(dialog).to_be_visible()
    clocks.idle(3)
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/practice/"))
    told = page.get_by_text("You were signed out after 15 minutes without activity.")
    expect(told).to_be_visible()
    assert_accessible(page)
    # signing in again leads back to the page
    page.get_by_label("Email").fill(staff[Role.THERAPIST].user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/practice/$"))


def test_the_medicine_console_keeps_what_was_typed_across_the_time_out(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    monkeypatch: pytest.MonkeyPatch,
    assert_accessible: Callable[[Page], None],
) -> None:
    """A monitor types readings, is called away, and is signed out: after signing in
    again the console shows what they had typed (kept in the tab, not on the server)."""
    appointment = ready_medicine_appointment(
        team_clients[0], staff, start=clock.now() - dt.timedelta(minutes=30)
    )
    clocks = Clocks(page, monkeypatch)
    monitor = staff[Role.MONITOR].user
    sign_in(page, monitor.email, TEST_PASSWORD)
    page.clock.install()
    console = f"/appointments/{appointment.pk}/medicine/"
    page.goto(console)
    vitals = page.get_by_role("region", name="2. Vitals")
    vitals.get_by_label("Systolic (mmHg)").fill("131")
    vitals.get_by_label("Heart rate (/min)").fill("77")
    observation = page.get_by_role("region", name="4. Observations")
    observation.get_by_label(re.compile(r"^Observation")).fill("Resting quietly, eyes closed.")

    # Left alone past the limit: signed out, the sign-in page says why.
    # (Typing is activity: the page reports it at its next check, which comes too late.)
    clocks.idle(16)
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next="))
    expect(
        page.get_by_text("You were signed out after 15 minutes without activity.")
    ).to_be_visible()

    # Signed in again: back on the console, with the typed values (nothing was recorded).
    page.get_by_label("Email").fill(monitor.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"{console}$"))
    vitals = page.get_by_role("region", name="2. Vitals")
    expect(vitals.get_by_label("Systolic (mmHg)")).to_have_value("131")
    expect(vitals.get_by_label("Heart rate (/min)")).to_have_value("77")
    expect(
        page.get_by_role("region", name="4. Observations").get_by_label(re.compile(r"^Observation"))
    ).to_have_value("Resting quietly, eyes closed.")
    expect(vitals.get_by_role("table", name="Readings")).to_have_count(0)
    assert_accessible(page)


def test_the_therapists_note_survives_the_time_out_and_saves_with_its_status(
    page: Page,
    staff: dict[Role, StaffMember],
    team_clients: list[Client],
    monkeypatch: pytest.MonkeyPatch,
    assert_accessible: Callable[[Page], None],
) -> None:
    """The therapist writes the session's note on the tablet, is signed out before saving,
    gets it back on signing in, saves it, and the card says when and by whom."""
    appointment = ready_medicine_appointment(
        team_clients[0], staff, start=clock.now() - dt.timedelta(minutes=30)
    )
    clocks = Clocks(page, monkeypatch)
    therapist = staff[Role.THERAPIST]
    page.set_viewport_size({"width": 820, "height": 1180})
    sign_in(page, therapist.user.email, TEST_PASSWORD)
    page.clock.install()
    console = f"/appointments/{appointment.pk}/medicine/"
    page.goto(console)
    note = page.get_by_role("region", name="Therapist's note")
    note.get_by_label("Note of the session").fill("A young protector stepped back; grief came.")
    assert_accessible(page)

    clocks.idle(16)
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next="))
    page.get_by_label("Email").fill(therapist.user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"{console}$"))
    note = page.get_by_role("region", name="Therapist's note")
    expect(note.get_by_label("Note of the session")).to_have_value(
        "A young protector stepped back; grief came."
    )

    note.get_by_role("button", name="Save note").click()

    expect(page.get_by_role("status")).to_contain_text("Note saved.")
    note = page.get_by_role("region", name="Therapist's note")
    expect(note).to_contain_text(f"by {therapist.display_name}")
    expect(note.get_by_label("Note of the session")).to_have_value(
        "A young protector stepped back; grief came."
    )
    assert_accessible(page)
