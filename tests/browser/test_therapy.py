"""The therapy journeys of issue 10 in real Chromium, axe on every page:

* a therapist maps two parts, writes a preparation note naming both, a medicine-session
  note where one appears, an integration note, and reads that part's timeline;
* an EMDR session takes a target's SUD from 7 to 2, and the chart shows it.
"""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.core import clock
from kapcare.notes.models import EmdrSession, SessionNote
from kapcare.notes.tests.fixtures import held_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _add_part(page: Page, name: str, role: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label(role).check()
    page.get_by_role("button", name="Add the part").click()
    expect(page.get_by_text("The part is on the map.")).to_be_visible()


def _write_note(page: Page, client: Client, session: str) -> None:
    page.goto(f"/clients/{client.pk}/")
    # Newest first: the test's session, not the older one the stage fixture booked.
    write = page.get_by_role("button", name="Write the note")
    row = page.get_by_role("listitem").filter(has_text=session).filter(has=write).first
    row.get_by_role("button", name="Write the note").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("note")
    # The heading shows before the deferred autosave script has run; typing earlier than
    # that would not be heard, and the draft would never be saved.
    page.wait_for_load_state("domcontentloaded")


def _appeared(page: Page, part: str, shifted: str) -> None:
    group = page.get_by_role("group", name=re.compile(part))
    group.get_by_label("Appeared in this session").check()
    group.get_by_label(f"What shifted for {part}").fill(shifted)


def _sign(page: Page) -> None:
    page.get_by_label("No current risk identified").check()
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text("The note is signed.")).to_be_visible()


def test_a_part_is_followed_from_preparation_through_the_medicine_session_to_integration(
    page: Page,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    client, therapist = team_clients[0], staff[Role.THERAPIST]
    now = clock.now()
    for days, kind in ((9, "preparation"), (7, "medicine"), (5, "integration")):
        held_appointment(client, therapist, kind=kind, start=now - dt.timedelta(days=days))
    sign_in(page, therapist.user.email, TEST_PASSWORD)

    # Given two parts on the client's map
    page.goto(f"/clients/{client.pk}/parts/")
    assert_accessible(page)
    _add_part(page, "The Guard", "Manager (protector)")
    _add_part(page, "Little One", "Exile")

    # When the therapist writes the preparation note naming both (the draft kept as typed)
    _write_note(page, client, "Preparation")
    page.get_by_label("Intentions").fill("To let the guard rest for a while")
    expect(page.get_by_text(re.compile(r"^Draft saved at"))).to_be_visible()
    _appeared(page, "The Guard", "Expects to keep watch")
    _appeared(page, "Little One", "Hopes to be seen")
    assert_accessible(page)
    _sign(page)
    assert_accessible(page)

    # a medicine-session note where the guard appears
    _write_note(page, client, "Medicine")
    page.get_by_label("What emerged").fill("A long quiet; then grief")
    _appeared(page, "The Guard", "Stepped aside after the first hour")
    _sign(page)

    # and an integration note
    _write_note(page, client, "Integration")
    page.get_by_label("Meaning-making").fill("Rest is allowed")
    _appeared(page, "The Guard", "Softened; let Little One be seen")
    _sign(page)

    # Then the parts map shows the guard's timeline in session order
    page.goto(f"/clients/{client.pk}/parts/")
    timeline = page.get_by_role("list", name="Where The Guard appeared")
    expect(timeline.get_by_role("listitem")).to_have_count(3)
    # Their second preparation session: the stage fixture booked the first one.
    expect(timeline.get_by_role("listitem").nth(0)).to_contain_text("Preparation 2")
    medicine, integration = (
        timeline.get_by_role("listitem").nth(1),
        timeline.get_by_role("listitem").nth(2),
    )
    expect(medicine.get_by_role("link")).to_have_text("Medicine session 1")
    expect(medicine).to_contain_text("Stepped aside after the first hour")
    expect(integration.get_by_role("link")).to_have_text("Integration 1")
    expect(integration).to_contain_text("Softened; let Little One be seen")
    assert_accessible(page)
    assert SessionNote.objects.filter(signed_at__isnull=False).count() == 3


def test_an_emdr_session_from_sud_7_to_2_is_on_the_chart(
    page: Page,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    client = team_clients[0]
    sign_in(page, staff[Role.THERAPIST].user.email, TEST_PASSWORD)
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="EMDR targets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EMDR targets")
    assert_accessible(page)

    # Given a target
    page.get_by_label("Image").fill("The door closing at the end of the hall")
    page.get_by_label("Negative cognition").fill("I am alone")
    page.get_by_label("Positive cognition").fill("I can reach out")
    page.get_by_label("VOC (1 to 7)").fill("2")
    page.get_by_label("Emotion").fill("Dread")
    page.get_by_label("SUD (0 to 10)").fill("8")
    page.get_by_label("Past memory").check()
    page.get_by_role("button", name="Add the target").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EMDR target")

    # When a session is recorded, first with SUD 11 (refused next to its field)
    page.get_by_label("Phase reached").select_option("installation")
    page.get_by_label("SUD at start (0 to 10)").fill("11")
    page.get_by_label("SUD at end (0 to 10)").fill("2")
    page.get_by_label("VOC at start (1 to 7)").fill("3")
    page.get_by_label("VOC at end (1 to 7)").fill("6")
    page.get_by_label("Sets").fill("18")
    page.get_by_label("Complete", exact=True).check()
    page.get_by_role("button", name="Record the session").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    assert not EmdrSession.objects.exists()
    page.get_by_label("SUD at start (0 to 10)").fill("7")
    page.get_by_label("Complete", exact=True).check()
    page.get_by_role("button", name="Record the session").click()
    expect(page.get_by_text("The session is recorded.")).to_be_visible()

    # Then the table and the chart show SUD 7 → 2
    expect(page.get_by_role("cell", name="7 → 2")).to_be_visible()
    chart = page.get_by_role("img", name="SUD and VOC of this target over time")
    expect(chart.locator("circle.line-0")).to_have_count(3)
    expect(chart.locator("desc")).to_contain_text("SUD 7 to 2")
    assert_accessible(page)
