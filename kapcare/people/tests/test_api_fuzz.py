"""Never a 500: walk the OpenAPI schema and send garbage to every operation.

A small hand-rolled fuzz, deterministic so a failure reproduces: every path
parameter, query parameter and body field of every documented operation gets
each value of a list of hostile inputs, one at a time, plus raw bodies that are
not JSON at all. A new endpoint is fuzzed as soon as it is in the schema.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_staff

JSON = "application/json"
BIG = 2**63
HUGE = 2**70

PATH_VALUES = ["0", "1", str(BIG), str(HUGE), "9" * 400, "-1", "abc", "%00", "1.5", "1%20OR%201=1"]

QUERY_VALUES = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e309",
    str(BIG),
    str(HUGE),
    str(-BIG - 1),
    "\x00",
    "a\x00b",
    "%",
    "null",
    "[]",
    "<script>alert(1)</script>",
    "' OR '1'='1' --",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+14:00",
    "1990-01-01",
    "1990-01-01T00:00:00",
    "x" * 5000,
    "\u0663",  # ARABIC-INDIC DIGIT THREE
    "\u202e",
]

BODY_VALUES: list[object] = [
    None,
    True,
    0,
    -1,
    1.5,
    BIG,
    HUGE,
    -(2**64),
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 1000,
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE people_client; --",
    "1990-02-30",
    "9999-12-31",
    "0001-01-01",
    "NaN",
    "\u202e\U0001f600" * 30,
    [],
    [None],
    [BIG],
    [-1],
    ["1"],
    {},
    {"$gt": ""},
]

RAW_BODIES: list[bytes] = [
    b"",
    b"{",
    b"[]",
    b"null",
    b'"x"',
    b"1",
    b"NaN",
    b'{"given_name": NaN}',
    b"\xff\xfe\xfd",
    b"[" * 50_000,
    b'{"given_name": "\\ud800", "family_name": "\\udfff"}',
    b'{"care_team": [' + b"9" * 5000 + b"]}",
    b'{"given_name": "a", "given_name": 1}',
]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/components/schemas/")
        node = schema["components"]["schemas"][name]
    return node


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


@pytest.fixture
def caller(practice: Practice, staff: dict[Role, StaffMember]) -> HttpClient:
    """Front desk and privacy officer in one person: every operation gets past its role check."""
    member = make_staff(practice=practice, roles=[Role.FRONT_DESK, Role.PRIVACY_OFFICER])
    http = HttpClient(raise_request_exception=False)
    http.force_login(member.user)
    return http


def test_no_operation_answers_5xx_to_garbage(
    client: HttpClient,
    caller: HttpClient,
    team_client: Client,
    staff: dict[Role, StaffMember],
) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    valid_bodies: dict[tuple[str, str], dict[str, object]] = {
        ("post", "/api/v1/clients"): {
            "given_name": "Fuzz",
            "family_name": "Testcase",
            "date_of_birth": "1985-01-01",
            "home_state": "NJ",
            "care_team": [staff[Role.THERAPIST].pk],
        },
    }
    failures: list[str] = []
    sent = 0

    def send(
        method: str, url: str, *, query: dict[str, str] | None = None, body: Any = None
    ) -> None:
        nonlocal sent
        sent += 1
        call = getattr(caller, method)
        if body is None:
            response = call(url, query or {})
        elif isinstance(body, bytes):
            response = call(url, body, content_type=JSON)
        else:
            response = call(url, json.dumps(body), content_type=JSON)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url} query={query!r} body={body!r:.200}")
        else:
            # Every other answer is JSON: the data asked for, or a plain "detail".
            assert response["Content-Type"].startswith(JSON), (method, url, query)

    operations = list(_operations(schema))
    assert len(operations) >= 8  # issue 2's, and whatever other apps have added
    for method, path, operation in operations:
        params = operation.get("parameters", [])
        has_path_id = "{client_id}" in path
        real_url = path.replace("{client_id}", str(team_client.pk))
        base = valid_bodies.get((method, path), {})
        has_body = "requestBody" in operation

        if has_path_id:
            for value in PATH_VALUES:
                url = path.replace("{client_id}", value)
                send(method, url, body=base if has_body else None)

        for param in params:
            if param["in"] != "query":
                continue
            for value in QUERY_VALUES:
                send(method, real_url, query={param["name"]: value})

        if has_body:
            ref = operation["requestBody"]["content"][JSON]["schema"]
            fields = _resolve(schema, ref)["properties"]
            for field in fields:
                for garbage in BODY_VALUES:
                    send(method, real_url, body={**base, field: garbage})
            for raw in RAW_BODIES:
                send(method, real_url, body=raw)

        # a method the path does not offer
        send("delete", real_url)

    assert failures == []
    # every value list above was actually sent (guards against an empty walk)
    assert sent > 1000
