"""Issue 12, finding 10: what the schema says is what the API reads and answers.

Working-hours times are HH:MM both ways; a number is not a date and time; a path the API
does not know (a non-integer id) answers the API's JSON 404 with DEBUG on too.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.people.models import Practice, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_location

SignedIn = Callable[[Role], HttpClient]
ISO_MESSAGE = "Enter a date and time in ISO 8601 with its time zone, e.g. 2030-01-07T10:00:00-05:00"


def _send(http: HttpClient, method: str, path: str, body: object) -> tuple[int, Any]:
    response = http.generic(method, path, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def _errors(answer: Any) -> list[tuple[str, str]]:
    return [(e["field"], e["message"]) for e in answer["errors"]]


def test_working_hours_answer_hh_mm(
    practice: Practice, staff: dict[Role, StaffMember], signed_in: SignedIn
) -> None:
    location = make_location(practice=practice)
    path = f"/api/v1/staff/{staff[Role.THERAPIST].pk}/working-hours"
    http = signed_in(Role.THERAPIST)
    # when the therapist sends 09:00 to 17:30 (and an older client sends seconds back)
    window = {"weekday": 0, "start": "09:00", "end": "17:30:00", "location": location.pk}
    status, answer = _send(http, "PUT", path, {"windows": [window]})
    # then both answers say HH:MM, as the schema does
    assert status == 200
    expected = [{"weekday": 0, "start": "09:00", "end": "17:30", "location": location.pk}]
    assert answer["windows"] == expected
    assert http.get(path).json()["windows"] == expected


def test_the_schema_documents_working_hours_as_hh_mm(client: HttpClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    window = schema["components"]["schemas"]["WindowSchema"]["properties"]
    # HH:MM, and the ":00" of seconds the API still reads (answers never carry them)
    assert window["start"]["pattern"] == "^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$"


@pytest.mark.parametrize("value", ["9am", "09:00:30", "24:00", 900, "09:00:00.5"])
def test_working_hours_refuse_other_times(
    practice: Practice, staff: dict[Role, StaffMember], signed_in: SignedIn, value: object
) -> None:
    location = make_location(practice=practice)
    path = f"/api/v1/staff/{staff[Role.THERAPIST].pk}/working-hours"
    window = {"weekday": 0, "start": value, "end": "17:00", "location": location.pk}
    status, answer = _send(signed_in(Role.THERAPIST), "PUT", path, {"windows": [window]})
    assert status == 422
    assert _errors(answer) == [
        ("windows.0.start", "Enter a time as HH:MM (24-hour clock), e.g. 09:30.")
    ]


@pytest.mark.parametrize("value", ["0.5", "0", "1700000000"])
def test_a_number_in_the_query_is_not_a_date_and_time(
    staff: dict[Role, StaffMember], signed_in: SignedIn, value: str
) -> None:
    response = signed_in(Role.FRONT_DESK).get(f"/api/v1/appointments?start={value}")
    assert response.status_code == 422
    assert _errors(response.json()) == [("start", ISO_MESSAGE + ".")]


@pytest.mark.parametrize("value", [0, 0.5, 1700000000])
def test_a_number_in_the_body_is_not_a_date_and_time(
    staff: dict[Role, StaffMember], signed_in: SignedIn, value: object
) -> None:
    path = f"/api/v1/staff/{staff[Role.THERAPIST].pk}/time-off"
    body = {"start": "2030-02-08T00:00:00-05:00", "end": value}
    status, answer = _send(signed_in(Role.THERAPIST), "POST", path, body)
    assert status == 422
    assert [field for field, _ in _errors(answer)] == ["end"]


def test_iso_text_is_still_read(staff: dict[Role, StaffMember], signed_in: SignedIn) -> None:
    response = signed_in(Role.FRONT_DESK).get(
        "/api/v1/appointments?start=2030-01-07T10:00:00Z&end=2030-01-08T10:00:00%2B01:00"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "path", ["/api/v1/clients/abc", "/api/v1/clients/1.5", "/api/v1/no-such-thing"]
)
def test_an_unknown_api_path_answers_json(
    settings: Any, signed_in: SignedIn, staff: dict[Role, StaffMember], debug: bool, path: str
) -> None:
    settings.DEBUG = debug
    response = signed_in(Role.FRONT_DESK).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_fhir_path_answers_an_operation_outcome(
    settings: Any, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    settings.DEBUG = True
    response = signed_in(Role.FRONT_DESK).get("/fhir/R4/Patient/abc/nothing/here")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(
    ("field", "value"), [("weekday", False), ("weekday", True), ("location", True)]
)
def test_true_or_false_is_not_a_number(
    practice: Practice,
    staff: dict[Role, StaffMember],
    signed_in: SignedIn,
    field: str,
    value: bool,
) -> None:
    # make fuzz: pydantic read {"sud": false} as 0 and {"client": true} as client 1.
    location = make_location(practice=practice)
    path = f"/api/v1/staff/{staff[Role.THERAPIST].pk}/working-hours"
    window = {"weekday": 0, "start": "09:00", "end": "17:00", "location": location.pk}
    status, answer = _send(
        signed_in(Role.THERAPIST), "PUT", path, {"windows": [window | {field: value}]}
    )
    assert status == 422
    assert _errors(answer) == [(f"windows.0.{field}", "Input should be a valid integer.")]
