"""Control characters and impossible dates: 422 naming the field, nothing stored.

Findings 3 and 5 of issue 12. The attack run got a 500 on PostgreSQL for a NUL byte in
these fields (and stored NUL, BEL, ESC and U+202E on SQLite), and a 500 for a year-9999
``after`` on the availability search. ``tests/test_input_types.py`` proves every field
uses the shared types; these prove the types refuse, through the fields the run named.
"""

import json
from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client as HttpClient

from kapcare.core.inputs import check_day, check_text, first_forbidden_character
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

SignedIn = Callable[[Role], HttpClient]

CONTROL = "\x00"
CONTROL_MESSAGE = (
    "Remove the control character at position {}: text may hold letters, digits, "
    "punctuation, spaces, tabs and line breaks."
)
DATE_MESSAGE = "Enter a date between 1 Jan 1900 and 31 Dec 2100."


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("plain", None),
        ("two\nlines\r\nand\ta tab", None),
        ("\u200e\u200fmarks and \u200d joiners", None),
        ("nul\x00", 4),
        ("\x07bell", 1),
        ("esc\x1b[2J", 4),
        ("del\x7f", 4),
        ("c1\x85", 3),
        ("Lee\u202egnp.exe", 4),
        ("iso\u2066late", 4),
        ("lone \ud800 surrogate", 6),
    ],
)
def test_first_forbidden_character(text: str, position: int | None) -> None:
    assert first_forbidden_character(text) == position


def test_check_text_names_the_position_and_never_the_text() -> None:
    with pytest.raises(ValueError, match="position 7") as refused:
        check_text("secret\x00")
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize(
    ("day", "ok"),
    [("1900-01-01", True), ("2100-12-31", True), ("1899-12-31", False), ("2101-01-01", False)],
)
def test_check_day_keeps_1900_to_2100(day: str, ok: bool) -> None:
    import datetime as dt

    value = dt.date.fromisoformat(day)
    if ok:
        assert check_day(value) == value
    else:
        with pytest.raises(ValueError, match="between 1 Jan 1900 and 31 Dec 2100"):
            check_day(value)


def _rows() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_config is not None
        and m._meta.app_config.name.startswith("kapcare.")
        and m._meta.app_label != "audit"
    }


# The fields the attack run named, each with a NUL at position 3.
NAMED_FIELDS = [
    ("PUT", "/api/v1/clients/{c}/plan", {"format": "standard", "relational_goals": "ab\x00"},
     "relational_goals"),
    ("POST", "/api/v1/clients/{c}/consents",
     {"kind": "telehealth", "version": "v1\x00", "signed_on": "2026-01-05"}, "version"),
    ("POST", "/api/v1/clients/{c}/medical-screenings", {"answers": {}, "history": "ab\x00"},
     "history"),
    ("POST", "/api/v1/clients/{c}/clearances",
     {"status": "cleared", "valid_until": "2026-06-01", "note": "ab\x00"}, "note"),
    ("POST", "/api/v1/clients/{c}/risk-flags/1/review", {"note": "ab\x00"}, "note"),
    ("POST", "/api/v1/staff/{s}/time-off",
     {"start": "2031-01-01T00:00:00Z", "end": "2031-01-02T00:00:00Z", "reason": "ab\x00"},
     "reason"),
    ("POST", "/api/v1/clients/{c}/measures", {"instrument": "ab\x00", "answers": []},
     "instrument"),
    ("POST", "/api/v1/instruments/ab%00/score", {"answers": []}, "code"),
    ("GET", "/api/v1/clients/{c}/measures?instrument=ab%00", None, "instrument"),
    ("GET", "/api/v1/clients?q=ab%1B", None, "q"),
    ("PATCH", "/api/v1/clients/{c}", {"pronouns": "ab\u202e"}, "pronouns"),
    ("POST", "/api/v1/clients/{c}/psychotherapy-notes", {"text": "ab\x07"}, "text"),
    ("PATCH", "/api/v1/session-notes/1", {"fields": {"ab\x00": "x"}}, "fields.*.[key]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body", "field"), NAMED_FIELDS, ids=[f[1] + ":" + f[3] for f in NAMED_FIELDS]
)
def test_a_control_character_is_a_422_naming_the_field(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    team_client: Client,
    method: str,
    path: str,
    body: dict[str, object] | None,
    field: str,
) -> None:
    # Given the client's therapist
    http = signed_in(Role.THERAPIST)
    url = path.format(c=team_client.pk, s=staff[Role.THERAPIST].pk)
    before = _rows()

    # When they send text holding a control character
    if body is None:
        response = http.generic(method, url)
    else:
        response = http.generic(method, url, json.dumps(body), content_type="application/json")

    # Then it is refused on that field, before anything is stored
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert {"field": field, "message": CONTROL_MESSAGE.format(3)} in errors
    assert _rows() == before


def test_text_with_line_breaks_and_tabs_is_kept(signed_in: SignedIn, team_client: Client) -> None:
    http = signed_in(Role.THERAPIST)
    text = "First line\r\nSecond\tline\n"
    response = http.post(
        f"/api/v1/clients/{team_client.pk}/psychotherapy-notes",
        {"text": text},
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("after=9999-12-25T00:00:00Z", "after"),
        ("after=1899-12-31T23:00:00Z", "after"),
        ("after=9999-12-31T23:59:59-05:00", "after"),
    ],
)
def test_availability_after_outside_the_window_is_a_422(
    signed_in: SignedIn, team_client: Client, query: str, field: str
) -> None:
    # The attack run: year 9999 overflowed in the search (500).
    http = signed_in(Role.FRONT_DESK)
    response = http.get(
        f"/api/v1/availability?client_id={team_client.pk}&kind=therapy&modality=telehealth&{query}"
    )
    assert response.status_code == 422, response.content
    assert {"field": field, "message": DATE_MESSAGE} in response.json()["errors"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PATCH", "/api/v1/clients/{c}", {"date_of_birth": "1776-07-04"}, "date_of_birth"),
        ("POST", "/api/v1/clients/{c}/consents",
         {"kind": "telehealth", "version": "1", "signed_on": "9999-01-01"}, "signed_on"),
        ("POST", "/api/v1/staff/{s}/time-off",
         {"start": "2031-01-01T00:00:00Z", "end": "3031-01-02T00:00:00Z"}, "end"),
        ("POST", "/api/v1/clients/{c}/measure-assignments",
         {"instrument": "PHQ-9", "schedule": "once", "due_on": "0001-01-01"}, "due_on"),
    ],
)  # fmt: skip
def test_dates_outside_the_window_are_a_422_and_store_nothing(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    team_client: Client,
    method: str,
    path: str,
    body: dict[str, object],
    field: str,
) -> None:
    http = signed_in(Role.THERAPIST)
    before = _rows()
    response = http.generic(
        method,
        path.format(c=team_client.pk, s=staff[Role.THERAPIST].pk),
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert {"field": field, "message": DATE_MESSAGE} in response.json()["errors"]
    assert _rows() == before


@pytest.mark.parametrize("text", ["ab\x00", "ab\x1b[2J", "ab\u202e"])
def test_a_page_refuses_a_control_character_next_to_its_field(
    signed_in: SignedIn, team_client: Client, text: str
) -> None:
    # Given the client's therapist on their psychotherapy notes page
    http = signed_in(Role.THERAPIST)
    before = _rows()

    # When they save a note holding a control character
    response = http.post(f"/clients/{team_client.pk}/psychotherapy-notes/", {"text": text})

    # Then the page comes back with the refusal on the field, and nothing is stored
    assert response.status_code == 422
    assert CONTROL_MESSAGE.format(3) in response.content.decode()
    assert _rows() == before
