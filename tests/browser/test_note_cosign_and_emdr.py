"""Issue 10's note journeys beyond writing one, in real Chromium, axe on every page:

* the practice admin names a supervisor on the co-signature page; the supervisee signs a
  note, which waits on the supervisor's home page; the supervisor co-signs it, and the
  note shows both signatures;
* the therapist adds an EMDR session to a note from the note page, signs, and the target
  links back to the note;
* EMDR refusals stand beside their field: another client's session offered to the note
  (a tampered choice), and a VOC of 0 on the target page.
"""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kapcare.core import clock
from kapcare.notes.models import EmdrSession, NoteSupervision, SessionNote
from kapcare.notes.tests.fixtures import held_appointment
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import (
    TEST_PASSWORD,
    EmdrSessionFactory,
    make_care_team_member,
    make_client,
    make_staff,
)

pytestmark = pytest.mark.browser


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")


def _open_note(page: Page, client: Client) -> None:
    """Start the signed-in clinician's note of the client's held therapy session."""
    page.goto(f"/clients/{client.pk}/")
    write = page.get_by_role("button", name="Write the note")
    page.get_by_role("listitem").filter(has_text="Therapy").filter(has=write).first.get_by_role(
        "button", name="Write the note"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Therapy note")
    # The autosave script is deferred: let it start before anything is typed.
    page.wait_for_load_state("domcontentloaded")


def _sign(page: Page) -> None:
    page.get_by_label("No current risk identified").check()
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text("The note is signed.")).to_be_visible()


def _fact(page: Page, term: str) -> str:
    """The text of a ``<dd>`` after the ``<dt>`` reading ``term`` on the signed note."""
    return page.locator(f"dt:text-is('{term}') + dd").inner_text()


def test_a_supervisees_note_waits_for_the_supervisor_who_co_signs_it(
    page: Page,
    practice: Practice,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    client, therapist = team_clients[0], staff[Role.THERAPIST]
    supervisor = make_staff(
        practice=practice,
        roles=[Role.THERAPIST],
        states=["PA", "NJ"],
        user__email="supervisor@example.org",
        user__full_name="Dana Supervisor",
    )
    make_care_team_member(client=client, staff=supervisor, role=Role.THERAPIST)
    held_appointment(client, therapist, kind="therapy", start=clock.now() - dt.timedelta(days=2))

    # Given the practice admin names the supervisor on the co-signature page
    sign_in(page, staff[Role.FRONT_DESK].user.email, TEST_PASSWORD)
    page.goto("/practice/")
    page.get_by_role("link", name="Co-signature of session notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Co-signature of session notes")
    assert_accessible(page)
    page.get_by_label(f"{therapist.name}: notes co-signed by").select_option(
        label="Dana Supervisor"
    )
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("Co-signature settings saved (1 changed).")).to_be_visible()
    expect(page.get_by_label(f"{therapist.name}: notes co-signed by")).to_have_value(
        str(supervisor.pk)
    )
    assert NoteSupervision.objects.get(staff=therapist).supervisor_id == supervisor.pk
    _sign_out(page)

    # When the supervisee writes and signs a therapy note
    sign_in(page, therapist.user.email, TEST_PASSWORD)
    _open_note(page, client)
    page.get_by_label("Session narrative").fill("Worked with the part that freezes in conflict.")
    _sign(page)
    expect(page.locator(".note-state")).to_have_text("Signed, awaiting co-signature")
    assert _fact(page, "Co-signature") == "Awaiting Dana Supervisor"
    # the author cannot co-sign their own note
    expect(page.get_by_role("button", name="Co-sign this note")).to_have_count(0)
    assert_accessible(page)
    _sign_out(page)

    # Then it waits on the supervisor's home page, and they co-sign it
    sign_in(page, supervisor.user.email, TEST_PASSWORD)
    page.goto("/")
    waiting = page.get_by_role("region", name="Notes to sign")
    expect(waiting.get_by_role("listitem")).to_have_count(1)
    expect(waiting.get_by_role("listitem")).to_contain_text("awaiting your co-signature")
    assert_accessible(page)
    waiting.get_by_role("link", name=f"{client.display_name}: therapy note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Therapy note")
    expect(page.get_by_text("Worked with the part that freezes in conflict.")).to_be_visible()
    page.get_by_role("button", name="Co-sign this note").click()
    expect(page.get_by_text("The note is co-signed.")).to_be_visible()

    # and the note shows both signatures, no longer awaiting anyone
    expect(page.locator(".note-state")).to_have_text("Signed")
    signed, cosigned = _fact(page, "Signed"), _fact(page, "Co-signature")
    assert signed.endswith(f"by {therapist.name}")
    assert cosigned.endswith("by Dana Supervisor")
    expect(page.get_by_role("button", name="Co-sign this note")).to_have_count(0)
    assert_accessible(page)
    note = SessionNote.objects.get()
    assert (note.author_id, note.cosigner_id) == (therapist.pk, supervisor.pk)
    assert note.signed_at is not None
    assert note.cosigned_at is not None
    page.goto("/")
    expect(page.get_by_role("region", name="Notes to sign")).to_have_count(0)


def test_an_emdr_session_is_added_to_the_note_from_the_note_page(
    page: Page,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    client, therapist = team_clients[0], staff[Role.THERAPIST]
    held = held_appointment(
        client, therapist, kind="therapy", start=clock.now() - dt.timedelta(days=1)
    )
    # Given an EMDR session recorded on the client's target during that session
    emdr: EmdrSession = EmdrSessionFactory.create(
        target__client=client,
        target__created_by=therapist,
        target__negative_cognition="I am alone",
        recorded_by=therapist,
        held_at=held.start + dt.timedelta(minutes=10),
    )
    sign_in(page, therapist.user.email, TEST_PASSWORD)

    # When the therapist adds it to the session's note from the note page
    _open_note(page, client)
    emdr_section = page.get_by_role("region", name="EMDR in this session")
    expect(emdr_section).to_contain_text("No EMDR session is part of this note.")
    choice = emdr_section.get_by_label("EMDR session to add to this note")
    expect(choice.locator("option")).to_have_count(1)
    expect(choice.locator("option")).to_contain_text("I am alone (SUD 7 → 3)")
    assert_accessible(page)
    emdr_section.get_by_role("button", name="Add to this note").click()
    expect(page.get_by_text("The EMDR session is part of this note.")).to_be_visible()

    # Then the note lists it, keeps it once signed, and offers no more to add
    emdr_section = page.get_by_role("region", name="EMDR in this session")
    summary = emdr_section.get_by_role("listitem")
    expect(summary).to_have_count(1)
    expect(summary).to_contain_text("SUD 7 → 3, VOC 2 → 4")
    expect(emdr_section.get_by_label("EMDR session to add to this note")).to_have_count(0)
    _sign(page)
    emdr_section = page.get_by_role("region", name="EMDR in this session")
    expect(emdr_section.get_by_role("listitem")).to_contain_text("SUD 7 → 3, VOC 2 → 4")
    assert_accessible(page)
    note = SessionNote.objects.get()
    emdr.refresh_from_db()
    assert emdr.note_id == note.pk

    # and the target's page links back to the note
    emdr_section.get_by_role("link", name="I am alone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EMDR target")
    page.get_by_role("link", name=re.compile(r"^Note of ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Therapy note")
    assert page.url.endswith(f"/notes/{note.pk}/")


def test_emdr_refusals_stand_beside_their_field(
    page: Page,
    practice: Practice,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    client, therapist = team_clients[0], staff[Role.THERAPIST]
    held_appointment(client, therapist, kind="therapy", start=clock.now() - dt.timedelta(days=1))
    ours: EmdrSession = EmdrSessionFactory.create(
        target__client=client, target__created_by=therapist, recorded_by=therapist
    )
    stranger = make_client(practice=practice, legal_given_name="Noor")
    theirs: EmdrSession = EmdrSessionFactory.create(
        target__client=stranger, target__created_by=therapist, recorded_by=therapist
    )
    sign_in(page, therapist.user.email, TEST_PASSWORD)

    # Given the note page, whose choice is changed to another client's EMDR session
    _open_note(page, client)
    choice = page.get_by_label("EMDR session to add to this note")
    choice.locator("option").first.evaluate("(o, id) => { o.value = id; }", str(theirs.pk))

    # When it is added
    page.get_by_role("button", name="Add to this note").click()

    # Then the refusal stands beside the choice, which still offers the client's own
    expect(page).to_have_title(re.compile(r"^Error: "))
    choice = page.get_by_label("EMDR session to add to this note")
    expect(choice).to_have_attribute("aria-invalid", "true")
    expect(choice).to_have_accessible_description(
        re.compile("Choose one of this client's EMDR sessions not yet in a note.")
    )
    expect(choice.locator("option")).to_have_attribute("value", str(ours.pk))
    assert "Noor" not in page.content()
    assert_accessible(page)
    assert not EmdrSession.objects.filter(note__isnull=False).exists()

    # Given the target's page, when a session is recorded with a VOC of 0
    page.goto(f"/emdr-targets/{ours.target_id}/")
    page.get_by_label("Phase reached").select_option("installation")
    page.get_by_label("SUD at start (0 to 10)").fill("4")
    page.get_by_label("SUD at end (0 to 10)").fill("1")
    page.get_by_label("VOC at start (1 to 7)").fill("3")
    page.get_by_label("VOC at end (1 to 7)").fill("0")
    page.get_by_label("Sets").fill("10")
    page.get_by_label("Complete", exact=True).check()
    page.get_by_role("button", name="Record the session").click()

    # Then the refusal stands beside the VOC at end, the rest as typed, nothing recorded
    expect(page).to_have_title(re.compile(r"^Error: "))
    voc_end = page.get_by_label("VOC at end (1 to 7)")
    expect(voc_end).to_have_attribute("aria-invalid", "true")
    expect(voc_end).to_have_accessible_description(
        "Error: The VOC at end (1 to 7) must be at least 1."
    )
    expect(page.get_by_label("SUD at start (0 to 10)")).to_have_value("4")
    expect(page.get_by_role("alert")).to_contain_text("VOC at end (1 to 7)")
    assert_accessible(page)
    assert EmdrSession.objects.filter(target_id=ours.target_id).count() == 1
