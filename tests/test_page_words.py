"""No rule codes, settings keys, file names, zone identifiers or permission strings on a page.

The staff's main pages, opened in a world that makes every kind of refusal happen (a
medicine session booked before the client is ready, a dose over the order, a clearance
without its justification, a search that finds no time), must read as plain words; the
rule codes stay in the API's JSON (issue 9). The permission-matrix walk checks every
other page it opens the same way (``tests/page_words.py``).
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.core import clock
from kapcare.medicine.tests.fixtures import ready_medicine_appointment, screening_form
from kapcare.people.policy import Role
from kapcare.scheduling.tests.test_views import medicine_form
from tests.page_words import assert_plain_words, jargon_in
from tests.world import World

SignedIn = Callable[[Role], HttpClient]
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def _mid_afternoon(monkeypatch: pytest.MonkeyPatch) -> None:
    """A medicine session half an hour old stays on today's date in New York."""
    now = dt.datetime.combine(dt.date(2030, 1, 8), dt.time(15, 0), tzinfo=NEW_YORK)
    monkeypatch.setattr("kapcare.core.clock.now", lambda: now)
    monkeypatch.setattr("kapcare.core.clock.today", lambda: now.date())


# --- the scanner ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Refused (dose.checklist_incomplete).", "rule code"),
        ("Needs plan.paused cleared", "rule code"),
        ("Wall clock: wall_clock", "snake_case name"),
        ("Read CLINICAL.md first", "file name"),
        ("Times in America/New_York", "time-zone identifier"),
        ("Denied medicine:32:sign:medical_provider", "permission string"),
        ("Set KAPCARE_AUDIT_KEY", "setting name"),
    ],
)
def test_the_scanner_finds_each_kind_of_jargon(text: str, kind: str) -> None:
    found = jargon_in(f"<p>{text}</p>")

    assert any(f.startswith(kind) for f in found), found


def test_the_scanner_reads_only_what_a_person_sees() -> None:
    html = (
        '<a href="/record.pdf" data-rule="dose.exceeds_order" class="rule_code">'
        "Print the record, Tue 8 Dec 2026, 3:30 pm (Eastern time)</a>"
        '<script>const zone = "America/New_York";</script>'
        "<p>therapist@example.org · PHQ-9 · 0820T · DES-II</p>"
        "<p>Name the columns <code>legal_given_name</code> and <code>date_of_birth</code>.</p>"
    )

    assert jargon_in(html) == []


# --- the pages ------------------------------------------------------------------


def test_a_refused_medicine_booking_reads_as_plain_words(signed_in: SignedIn, world: World) -> None:
    # Given a client with no plan, consent, clearance or preparation yet
    response = signed_in(Role.FRONT_DESK).post("/appointments/new/", medicine_form(world))

    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert_plain_words(html, "the refused booking")


def test_a_search_that_finds_no_time_reads_as_plain_words(
    signed_in: SignedIn, world: World
) -> None:
    response = signed_in(Role.FRONT_DESK).get(
        "/schedule/availability/",
        {
            "client": str(world.client.pk),
            "kind": "medicine",
            "modality": "in_person",
            "location": str(world.office.pk),
            "staff": [str(world.staff[Role.THERAPIST].pk), str(world.staff[Role.MONITOR].pk)],
            "after": world.day.isoformat(),
            "count": "3",
        },
    )

    assert response.status_code in {200, 422}
    assert_plain_words(response.content.decode(), "the availability search")


def test_a_refused_dose_and_the_console_read_as_plain_words(
    signed_in: SignedIn, world: World
) -> None:
    appointment = ready_medicine_appointment(
        world.client, world.staff, start=clock.now() - dt.timedelta(minutes=30)
    )
    http = signed_in(Role.MONITOR)
    console = f"/appointments/{appointment.pk}/medicine/"
    local = clock.now().astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")

    refused = http.post(
        console,
        {
            "form": "dose",
            "dose-at": local,
            "dose-route": "sublingual",
            "dose-dose_mg": "300",
            "dose-lot": "L1",
        },
    )

    assert refused.status_code == 422
    assert "would exceed the order" in refused.content.decode()
    assert_plain_words(refused.content.decode(), "the refused dose")
    assert_plain_words(http.get(console).content.decode(), "the console")


def test_a_clearance_without_its_justification_reads_as_plain_words(
    signed_in: SignedIn, world: World
) -> None:
    http = signed_in(Role.MEDICAL_PROVIDER)
    page = f"/clients/{world.client.pk}/medical/"
    form = screening_form(yes="hepatic_impairment")
    assert http.post(page, form).status_code == 302

    refused = http.post(
        page,
        {"form": "clearance", "clearance-status": "cleared", "clearance-valid_until": "2099-01-01"},
    )

    assert refused.status_code == 422
    assert_plain_words(refused.content.decode(), "the refused clearance")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.THERAPIST, "/"),
        (Role.THERAPIST, "/clients/{client}/"),
        (Role.THERAPIST, "/clients/{client}/profile/"),
        (Role.THERAPIST, "/calendar/"),
        (Role.FRONT_DESK, "/calendar/?view=day"),
        (Role.FRONT_DESK, "/practice/"),
        (Role.FRONT_DESK, "/schedule/hours/"),
        (Role.FRONT_DESK, "/schedule/settings/"),
        (Role.MEDICAL_PROVIDER, "/practice/medicine-settings/"),
        (Role.FRONT_DESK, "/appointments/new/"),
        (Role.FRONT_DESK, "/clients/new/"),
        (Role.PRIVACY_OFFICER, "/audit/"),
    ],
)
def test_the_main_pages_read_as_plain_words(
    signed_in: SignedIn, world: World, role: Role, path: str
) -> None:
    ready_medicine_appointment(
        world.client, world.staff, start=clock.now() - dt.timedelta(minutes=30)
    )
    http = signed_in(role)

    response = http.get(path.format(client=world.client.pk), follow=True)

    assert response.status_code == 200
    assert_plain_words(response.content.decode(), path)
