"""Issue 12, finding 8, on every route that reads a body: JSON only, and strictly.

A body under another media type answers 415; a JSON object naming a key twice answers
422 naming the key; nothing is written either way. The routes come from both OpenAPI
documents (/api/v1/ and the FHIR API), so a new write route is checked the day it lands:
the FHIR client import (``POST /api/v1/clients/import``, ``format: fhir``) among them.
"""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.api import GIVEN_TWICE, NOT_JSON_MEDIA_TYPE, api
from kapcare.audit.models import AuditEvent
from kapcare.interop.api import fhir_api
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

SignedIn = Callable[[Role], HttpClient]


def _writes_with_a_body() -> list[tuple[str, str]]:
    """(method, path) of every operation that reads a request body, path ids as 1."""
    found = []
    for document in (api.get_openapi_schema(), fhir_api.get_openapi_schema()):
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if "requestBody" in operation:
                    found.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(found)


WRITES = _writes_with_a_body()


def test_the_walk_finds_the_write_routes() -> None:
    # A walk that found nothing would pass every test below.
    assert len(WRITES) > 60
    assert ("POST", "/api/v1/clients/import") in WRITES
    assert {method for method, _ in WRITES} == {"POST", "PUT", "PATCH"}


@pytest.fixture
def http(signed_in: SignedIn, staff: dict[Role, StaffMember], team_client: Client) -> HttpClient:
    # A therapist with a client on file: the body is read before any record is looked up.
    return signed_in(Role.THERAPIST)


def _changes() -> int:
    return AuditEvent.objects.exclude(action="read").count()


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_not_sent_as_json_answers_415(
    http: HttpClient, method: str, path: str, content_type: str
) -> None:
    before = _changes()
    response = http.generic(method, path, json.dumps({"note": "x"}), content_type=content_type)
    assert response.status_code == 415, response.content
    assert response.json() == {"detail": NOT_JSON_MEDIA_TYPE}
    assert _changes() == before


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_key_given_twice_answers_422_naming_it(http: HttpClient, method: str, path: str) -> None:
    before = _changes()
    raw = '{"reason": "first", "reason": "second"}'
    response = http.generic(method, path, raw, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json() == {
        "detail": f"reason: {GIVEN_TWICE}",
        "errors": [{"field": "reason", "message": GIVEN_TWICE}],
    }
    assert _changes() == before


def test_a_key_given_twice_deep_in_the_body_is_refused(http: HttpClient) -> None:
    raw = '{"windows": [{"weekday": 0, "weekday": 1}]}'
    response = http.generic(
        "PUT", "/api/v1/staff/1/working-hours", raw, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "weekday", "message": GIVEN_TWICE}]


def test_a_query_parameter_given_twice_answers_422_naming_it(http: HttpClient) -> None:
    # make fuzz: ?limit=5&limit=x was read as its last value.
    response = http.get("/api/v1/clients?limit=5&limit=7&offset=0")
    assert response.status_code == 422
    assert response.json() == {
        "detail": f"limit: {GIVEN_TWICE}",
        "errors": [{"field": "limit", "message": GIVEN_TWICE}],
    }


def test_a_list_parameter_may_be_given_twice(
    http: HttpClient, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    therapist, monitor = staff[Role.THERAPIST].pk, staff[Role.MONITOR].pk
    query = f"client={team_client.pk}&kind=therapy&modality=telehealth"
    response = http.get(f"/api/v1/availability?{query}&staff={therapist}&staff={monitor}")
    assert response.status_code == 200
    assert {tuple(slot["staff"]) for slot in response.json()["slots"]} == {(therapist, monitor)}


def _answer(response: Any) -> tuple[int, list[dict[str, str]]]:
    return response.status_code, response.json().get("errors", [])


@pytest.mark.parametrize("share", [0, 1, "true", "yes"])
def test_a_boolean_is_true_or_false_only(
    signed_in: SignedIn, staff: dict[Role, StaffMember], share: object
) -> None:
    # make fuzz: {"share": 0} was read as false. Checked before who asks matters.
    http = signed_in(Role.THERAPIST)
    body = {"kind": "journal", "body": "A walk by the river.", "share": share}
    response = http.post("/api/v1/portal/journal", body, content_type="application/json")
    assert _answer(response) == (
        422,
        [{"field": "share", "message": "Input should be a valid boolean."}],
    )


@pytest.mark.parametrize("reflection", [[None, None], "fits", 3, True, None])
def test_an_object_field_takes_a_json_object_only(
    signed_in: SignedIn, staff: dict[Role, StaffMember], reflection: object
) -> None:
    # make fuzz: {"reflection": [null, null]} (or null) was read as an empty reflection.
    http = signed_in(Role.THERAPIST)
    response = http.put(
        "/api/v1/portal/intake", {"reflection": reflection}, content_type="application/json"
    )
    assert _answer(response) == (422, [{"field": "reflection", "message": "Send a JSON object."}])


def test_a_boolean_in_the_query_is_read_from_its_text(
    http: HttpClient, team_client: Client
) -> None:
    # A query holds text: ?open=true is a boolean there (only a JSON body is strict).
    response = http.get(f"/api/v1/clients/{team_client.pk}/risk-flags?open=true")
    assert response.status_code == 200
