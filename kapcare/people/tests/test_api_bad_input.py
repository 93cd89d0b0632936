"""Bad input to /api/v1/clients: a clear 4xx naming the field, nothing saved, nothing echoed."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.core.ids import MAX_ID
from kapcare.people.models import CareTeamMember, Client, StaffMember
from kapcare.people.policy import Role

SignedIn = Callable[[Role], HttpClient]
Staff = dict[Role, StaffMember]

# Appears in every failing payload below; must never come back in an answer.
MARKER = "Quillonby"
JSON = "application/json"


def body(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "given_name": MARKER,
        "family_name": MARKER + "son",
        "date_of_birth": "1979-06-30",
        "email": f"{MARKER.lower()}@example.com",
        "phone": "610-555-0142",
        "home_state": "PA",
        "care_team": [],
    }
    data.update(overrides)
    return data


@pytest.fixture
def http(signed_in: SignedIn) -> HttpClient:
    return signed_in(Role.FRONT_DESK)


@pytest.fixture
def nothing_saved(staff: Staff) -> Iterator[None]:
    """Fails the test if a client, a care-team row or a create event was written."""
    clients, members = Client.objects.count(), CareTeamMember.objects.count()
    creates = AuditEvent.objects.filter(action="create").count()
    yield
    assert Client.objects.count() == clients
    assert CareTeamMember.objects.count() == members
    assert AuditEvent.objects.filter(action="create").count() == creates


def assert_invalid(response: Any, errors: list[dict[str, str]]) -> None:
    assert response.status_code == 422
    first = errors[0]
    more = len(errors) - 1
    detail = f"{first['field']}: {first['message']}"
    if more:
        detail += f" ({more} more problem{'s' if more > 1 else ''} listed in errors.)"
    assert response.json() == {"detail": detail, "errors": errors}
    assert MARKER.encode() not in response.content
    assert MARKER.lower().encode() not in response.content


REQUIRED = "This field is required."
NOT_STRING = "Input should be a valid string."
NOT_INTEGER = "Input should be a valid integer, unable to parse string as an integer."
# A date is ISO 8601 text, YYYY-MM-DD (a number or another order is not read as one).
NOT_ISO_DAY = "Enter a date in ISO 8601, e.g. 2030-01-07."
BAD_DAY = "Input should be a valid date or datetime, day value is outside expected range."
FUTURE = "Date of birth cannot be in the future."
# The API's date window (1900-2100) comes before the date of birth's own rules; the
# 130-year rule is for imports and pages, where the window also holds.
OUT_OF_WINDOW = "Enter a date between 1 Jan 1900 and 31 Dec 2100."
BAD_STATE = "Not a US state code: use two letters such as PA or NJ."
BAD_EMAIL = "Enter a valid email address, such as name@example.org."
BLANK = "A name cannot be blank."
NO_LETTER = "A name needs at least one letter."
UNPRINTABLE = (
    "Remove the control character at position {}: text may hold letters, digits, "
    "punctuation, spaces, tabs and line breaks."
)
TOO_LONG = "String should have at most {} characters."
NOT_JSON = "The request body is not valid JSON."
NOT_OBJECT = 'The request body must be a JSON object: {"field": value, ...}.'
DERIVED = (
    "The pathway stage follows the record (screenings, clearance, plan, sessions) "
    "and cannot be set."
)


@pytest.mark.usefixtures("nothing_saved")
def test_missing_required_fields_are_each_named(http: HttpClient) -> None:
    response = http.post("/api/v1/clients", {}, content_type=JSON)
    assert_invalid(
        response,
        [
            {"field": "given_name", "message": REQUIRED},
            {"field": "family_name", "message": REQUIRED},
            {"field": "date_of_birth", "message": REQUIRED},
            {"field": "home_state", "message": REQUIRED},
        ],
    )


@pytest.mark.usefixtures("nothing_saved")
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # wrong types
        ({"given_name": 42}, "given_name", NOT_STRING),
        ({"family_name": [MARKER]}, "family_name", NOT_STRING),
        ({"date_of_birth": 19790630}, "date_of_birth", NOT_ISO_DAY),
        ({"care_team": "1"}, "care_team", "Input should be a valid list."),
        ({"care_team": ["therapist"]}, "care_team.0", NOT_INTEGER),
        ({"status": "asleep"}, "status", "Input should be 'active', 'paused' or 'closed'."),
        # bad dates
        ({"date_of_birth": "1979-02-30"}, "date_of_birth", BAD_DAY),
        ({"date_of_birth": "30/06/1979"}, "date_of_birth", NOT_ISO_DAY),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth", FUTURE),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", OUT_OF_WINDOW),
        ({"date_of_birth": "1066-10-14"}, "date_of_birth", OUT_OF_WINDOW),
        # state codes
        ({"home_state": "XX"}, "home_state", BAD_STATE),
        ({"home_state": "Pennsylvania"}, "home_state", BAD_STATE),
        # email
        ({"email": MARKER}, "email", BAD_EMAIL),
        ({"email": f"<{MARKER}>@example.com"}, "email", BAD_EMAIL),
        ({"email": f"{MARKER}@@example.com"}, "email", BAD_EMAIL),
        # names
        ({"given_name": "A" * 101}, "given_name", TOO_LONG.format(100)),
        ({"family_name": MARKER * 20}, "family_name", TOO_LONG.format(100)),
        ({"given_name": "   "}, "given_name", BLANK),
        ({"family_name": ""}, "family_name", BLANK),
        ({"given_name": MARKER + "\x00"}, "given_name", UNPRINTABLE.format(10)),
        ({"pronouns": "she\x07her"}, "pronouns", UNPRINTABLE.format(4)),
        ({"family_name": "Lee\u202egnp.exe"}, "family_name", UNPRINTABLE.format(4)),
        ({"given_name": "\u200b"}, "given_name", NO_LETTER),
        ({"given_name": "--"}, "given_name", NO_LETTER),
        ({"phone": "1" * 31}, "phone", TOO_LONG.format(30)),
        # care team ids out of the database's range
        ({"care_team": [0]}, "care_team.0", "Input should be greater than or equal to 1."),
        (
            {"care_team": [MAX_ID + 1]},
            "care_team.0",
            f"Input should be less than or equal to {MAX_ID}.",
        ),
        (
            {"care_team": list(range(1, 22))},
            "care_team",
            "List should have at most 20 items after validation, not 21.",
        ),
    ],
)
def test_invalid_fields_are_named_with_a_plain_message(
    http: HttpClient, overrides: dict[str, object], field: str, message: str
) -> None:
    response = http.post("/api/v1/clients", body(**overrides), content_type=JSON)
    assert_invalid(response, [{"field": field, "message": message}])


@pytest.mark.usefixtures("nothing_saved")
def test_several_problems_are_all_listed(http: HttpClient) -> None:
    response = http.post(
        "/api/v1/clients", body(given_name="", home_state="ZZ", email="nope"), content_type=JSON
    )
    assert_invalid(
        response,
        [
            {"field": "given_name", "message": BLANK},
            {"field": "email", "message": BAD_EMAIL},
            {"field": "home_state", "message": BAD_STATE},
        ],
    )


@pytest.mark.usefixtures("nothing_saved")
def test_lone_surrogate_in_a_name_is_refused(http: HttpClient) -> None:
    raw = '{"given_name": "A\\ud800", "family_name": "B", "date_of_birth": "1979-06-30", "home_state": "PA"}'  # noqa: E501
    response = http.post("/api/v1/clients", raw, content_type=JSON)
    assert_invalid(
        response,
        [
            {
                "field": "given_name",
                "message": UNPRINTABLE.format(2),
            }
        ],
    )


@pytest.mark.usefixtures("nothing_saved")
def test_unknown_care_team_staff_id(http: HttpClient, staff: Staff) -> None:
    unknown = max(s.pk for s in staff.values()) + 100
    response = http.post("/api/v1/clients", body(care_team=[unknown]), content_type=JSON)
    assert_invalid(
        response,
        [{"field": "care_team", "message": f"No active staff member with id {unknown}."}],
    )


@pytest.mark.usefixtures("nothing_saved")
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_care_team_member_must_be_a_clinician(http: HttpClient, staff: Staff, role: Role) -> None:
    member = staff[role].pk
    response = http.post(
        "/api/v1/clients",
        body(care_team=[staff[Role.THERAPIST].pk, member]),
        content_type=JSON,
    )
    message = f"Staff member {member} is not a therapist, medical provider or monitor."
    assert_invalid(response, [{"field": "care_team", "message": message}])


@pytest.mark.usefixtures("nothing_saved")
def test_inactive_staff_cannot_join_a_care_team(http: HttpClient, staff: Staff) -> None:
    therapist = staff[Role.THERAPIST]
    therapist.is_active = False
    therapist.save()
    response = http.post("/api/v1/clients", body(care_team=[therapist.pk]), content_type=JSON)
    message = f"No active staff member with id {therapist.pk}."
    assert_invalid(response, [{"field": "care_team", "message": message}])


@pytest.mark.usefixtures("nothing_saved")
@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ('{"given_name": "' + MARKER, NOT_JSON),
        ("{'given_name': 'x'}", NOT_JSON),
        (
            '{"care_team": [NaN]}',
            NOT_JSON.removesuffix(".") + ": NaN and Infinity are not numbers.",
        ),
        (b"\xff\xfe\x00{", NOT_JSON),
        ("[" * 100_000, NOT_JSON),
        ("[]", NOT_OBJECT),
        ('"' + MARKER + '"', NOT_OBJECT),
        ("null", NOT_OBJECT),
    ],
)
def test_malformed_json_gets_a_plain_400(http: HttpClient, raw: str | bytes, detail: str) -> None:
    response = http.post("/api/v1/clients", raw, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_malformed_json_on_patch_changes_nothing(http: HttpClient, team_client: Client) -> None:
    before = Client.objects.filter(pk=team_client.pk).values().get()
    response = http.patch(f"/api/v1/clients/{team_client.pk}", "{", content_type=JSON)
    assert (response.status_code, response.json()) == (
        400,
        {"detail": NOT_JSON},
    )
    assert Client.objects.filter(pk=team_client.pk).values().get() == before


@pytest.mark.usefixtures("nothing_saved")
def test_oversized_body_answers_413(http: HttpClient) -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    padding = "x" * (limit + 1)
    response = http.post("/api/v1/clients", body(preferred_name=padding), content_type=JSON)
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is too large: the limit is {limit} bytes."
    }


def test_oversized_patch_changes_nothing(http: HttpClient, team_client: Client) -> None:
    before = Client.objects.filter(pk=team_client.pk).values().get()
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = http.patch(
        f"/api/v1/clients/{team_client.pk}", {"pronouns": padding}, content_type=JSON
    )
    assert response.status_code == 413
    assert Client.objects.filter(pk=team_client.pk).values().get() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_of_birth": "2099-12-31"}, "date_of_birth", FUTURE),
        ({"email": "nope"}, "email", BAD_EMAIL),
        ({"home_state": "QQ"}, "home_state", BAD_STATE),
        ({"given_name": " "}, "given_name", BLANK),
        ({"family_name": "B" * 101}, "family_name", TOO_LONG.format(100)),
        ({"stage": "done"}, "stage", DERIVED),
        ({"stage": "ongoing"}, "stage", DERIVED),
    ],
)
def test_invalid_patch_names_the_field_and_changes_nothing(
    http: HttpClient, team_client: Client, overrides: dict[str, object], field: str, message: str
) -> None:
    before = Client.objects.filter(pk=team_client.pk).values().get()
    updates = AuditEvent.objects.filter(action="update").count()
    # a valid change travels with the invalid one: it must not be half-applied
    response = http.patch(
        f"/api/v1/clients/{team_client.pk}", {"phone": "111", **overrides}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert Client.objects.filter(pk=team_client.pk).values().get() == before
    assert AuditEvent.objects.filter(action="update").count() == updates


@pytest.mark.usefixtures("nothing_saved")
def test_form_encoded_body_is_refused_plainly(staff: Staff) -> None:
    # given a signed-in browser session that passes the CSRF check with a form field
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(staff[Role.FRONT_DESK].user)
    token = "a" * 32
    browser.cookies["csrftoken"] = token
    # when it posts a form instead of JSON
    response = browser.post("/api/v1/clients", {"csrfmiddlewaretoken": token, "given_name": MARKER})
    # then it is told to send JSON
    assert response.status_code == 415
    assert response.json() == {
        "detail": "Send the request body as JSON, with Content-Type: application/json."
    }


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/v1/clients", {"GET", "POST"}),
        ("put", "/api/v1/clients/1", {"GET", "PATCH"}),
        ("post", "/api/v1/staff", {"GET"}),
    ],
)
def test_unsupported_method_answers_405_in_json(
    http: HttpClient, method: str, path: str, allowed: set[str]
) -> None:
    response = getattr(http, method)(path)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == allowed
    assert response.json() == {
        "detail": f"This address does not take that method: use {response['Allow']}."
    }


@pytest.mark.usefixtures("nothing_saved")
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", ""]
)
def test_a_json_body_under_another_media_type_answers_415(
    http: HttpClient, content_type: str
) -> None:
    # Given a valid client as JSON text, when it is sent labelled as something else
    response = http.generic("POST", "/api/v1/clients", json.dumps(body()), content_type)
    # Then it is not read as JSON anyway
    assert response.status_code == 415
    assert response.json() == {
        "detail": "Send the request body as JSON, with Content-Type: application/json."
    }


def test_json_with_a_charset_or_a_json_suffix_type_is_read(http: HttpClient) -> None:
    types = ("application/json; charset=utf-8", "application/merge-patch+json")
    for born, content_type in zip(("1979-06-30", "1981-02-11"), types, strict=True):
        # Two different people: the same name and birth date would be a likely duplicate.
        data = body(email="", date_of_birth=born)
        response = http.post("/api/v1/clients", data, content_type=content_type)
        assert response.status_code == 201, content_type


@pytest.mark.usefixtures("nothing_saved")
@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"given_name": "A", "given_name": "B"}', "given_name"),
        ('{"care_team": [], "care_team": [1]}', "care_team"),
        ('{"x": {"\\u0000": 1, "\\u0000": 2}}', "body"),
    ],
)
def test_a_key_given_twice_answers_422_naming_it(http: HttpClient, raw: str, field: str) -> None:
    response = http.post("/api/v1/clients", raw, content_type=JSON)
    assert_invalid(response, [{"field": field, "message": "This field is given twice."}])


def test_a_key_given_twice_on_patch_changes_nothing(http: HttpClient, team_client: Client) -> None:
    before = Client.objects.filter(pk=team_client.pk).values().get()
    response = http.patch(
        f"/api/v1/clients/{team_client.pk}", '{"phone": "1", "phone": "2"}', content_type=JSON
    )
    assert response.status_code == 422
    assert Client.objects.filter(pk=team_client.pk).values().get() == before
