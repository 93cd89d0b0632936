"""GET /api/v1/instruments and POST /api/v1/instruments/{code}/score."""

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from kapcare.accounts.tokens import issue_token
from kapcare.audit.models import AuditEvent
from kapcare.measures.registry import builtin_instruments
from kapcare.measures.scoring import Answer, ItemSpec
from kapcare.measures.tests.helpers import lowest
from kapcare.measures.tests.test_definitions import EXAMPLE
from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SignIn = Callable[[Role], HttpClient]
CODES = sorted(builtin_instruments())


def post_score(client: HttpClient, code: str, body: object, **extra: Any) -> Any:
    return client.post(
        f"/api/v1/instruments/{code}/score",
        json.dumps(body),
        content_type="application/json",
        **extra,
    )


# ---------------------------------------------------------------- who may call


def test_anonymous_callers_must_sign_in(client: HttpClient) -> None:
    assert client.get("/api/v1/instruments").status_code == 401
    assert post_score(client, "PHQ-9", {"answers": [0] * 9}).status_code == 401


def test_signed_in_people_who_are_not_staff_find_nothing(client: HttpClient) -> None:
    client.force_login(make_user())
    assert client.get("/api/v1/instruments").json() == {"detail": "Not found."}
    response = post_score(client, "PHQ-9", {"answers": [0] * 9})
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_role_can_score(signed_in: SignIn, role: Role) -> None:
    response = post_score(signed_in(role), "GAD-7", {"answers": [0] * 7})
    assert response.status_code == 200


def test_a_personal_access_token_works(client: HttpClient, staff: dict[Role, StaffMember]) -> None:
    token = issue_token(user=staff[Role.MEDICAL_PROVIDER].user, name="tests")
    response = post_score(
        client, "PHQ-9", {"answers": [0] * 9}, HTTP_AUTHORIZATION=f"Bearer {token.secret}"
    )
    assert response.status_code == 200


def test_scoring_writes_nothing(signed_in: SignIn) -> None:
    client = signed_in(Role.THERAPIST)
    before = AuditEvent.objects.count()
    assert post_score(client, "PHQ-9", {"answers": [3] * 9}).status_code == 200
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- listing


def test_lists_every_instrument(signed_in: SignIn) -> None:
    response = signed_in(Role.THERAPIST).get("/api/v1/instruments")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 9
    assert [(i["code"], i["item_count"]) for i in body["items"]] == [
        ("ASQ", 5),
        ("DES-II", 28),
        ("ECR-RS", 9),
        ("GAD-7", 7),
        ("ITQ", 18),
        ("PCL-5", 20),
        ("PHQ-9", 9),
        ("SUD", 1),
        ("VOC", 1),
    ]
    phq9 = builtin_instruments()["PHQ-9"]
    assert body["items"][6] == {
        "code": "PHQ-9",
        "name": "Patient Health Questionnaire-9 (PHQ-9)",
        "version": "1.0",
        "item_count": 9,
        "source": phq9.source,
        "licence": phq9.licence,
        "builtin": True,
    }


def test_lists_and_scores_the_practice_own_instruments(signed_in: SignIn) -> None:
    call_command("load_instrument", str(EXAMPLE), stdout=StringIO())
    client = signed_in(Role.THERAPIST)
    items = client.get("/api/v1/instruments").json()["items"]
    assert items[-1]["code"] == "SESSION-CHECK"
    assert items[-1]["builtin"] is False
    response = post_score(client, "session-check", {"answers": [1, 2, 4, True, True]})
    assert response.json() == {
        "instrument": "SESSION-CHECK",
        "version": "1.0",
        "total": 9,
        "severity": "distressed",
        "subscales": {"distress": 3.0},
        "flags": ["wants_pause"],
        "check_in": True,
        "next_step": "talk_first",
    }


# ---------------------------------------------------------------- scoring


DES_II_ANSWERS: list[Answer] = [*([30] * 27), 40]
SCORED: list[tuple[str, list[Answer], dict[str, object]]] = [
    (
        "PHQ-9",
        [1, 1, 1, 1, 1, 1, 1, 2, 1],
        {"total": 10, "severity": "moderate", "subscales": {}, "flags": ["suicidality"]},
    ),
    (
        "GAD-7",
        [3, 3, 3, 3, 3, 0, 0],
        {"total": 15, "severity": "severe", "subscales": {}, "flags": []},
    ),
    (
        "PCL-5",
        [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0],
        {
            "total": 12,
            "severity": None,
            "subscales": {"B": 2, "C": 2, "D": 4, "E": 4},
            "flags": [],
            "provisional_ptsd": True,
            "probable_ptsd": False,
        },
    ),
    (
        "DES-II",
        DES_II_ANSWERS,
        {
            "total": 30.36,
            "severity": None,
            "subscales": {"DES-T": 30.0},
            "flags": ["high_dissociation"],
        },
    ),
    (
        "ECR-RS",
        [6, 6, 6, 6, 3, 3, 5, 6, 6],
        {
            "total": None,
            "severity": None,
            "subscales": {"avoidance": 2.33, "anxiety": 5.67},
            "flags": [],
        },
    ),
    (
        "ITQ",
        [2, 0, 2, 0, 2, 0, 2, 0, 0, 2, 0, 2, 0, 2, 0, 2, 0, 0],
        {
            "total": None,
            "severity": None,
            "subscales": {"PTSD": 6, "DSO": 6},
            "flags": [],
            "diagnosis": "CPTSD",
        },
    ),
    (
        "ASQ",
        [False, False, True, False, False],
        {
            "total": None,
            "severity": None,
            "subscales": {},
            "flags": ["suicide_risk"],
            "risk": "non_acute",
        },
    ),
    (
        "ASQ",
        [False, False, False, False, None],
        {"total": None, "severity": None, "subscales": {}, "flags": [], "risk": "negative"},
    ),
    ("SUD", [7], {"total": 7, "severity": None, "subscales": {}, "flags": []}),
    ("VOC", [2], {"total": 2, "severity": None, "subscales": {}, "flags": []}),
]


@pytest.mark.parametrize(("code", "answers", "expected"), SCORED)
def test_scores(
    signed_in: SignIn, code: str, answers: list[Answer], expected: dict[str, object]
) -> None:
    response = post_score(signed_in(Role.THERAPIST), code, {"answers": answers})
    assert response.status_code == 200
    assert response.json() == {"instrument": code, "version": "1.0", **expected}


def test_codes_are_matched_without_regard_to_case(signed_in: SignIn) -> None:
    response = post_score(signed_in(Role.MONITOR), "phq-9", {"answers": [0] * 9})
    assert response.json()["instrument"] == "PHQ-9"


def test_an_unknown_instrument_is_not_found(signed_in: SignIn) -> None:
    response = post_score(signed_in(Role.THERAPIST), "BDI-II", {"answers": [0] * 21})
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


# ---------------------------------------------------------------- 422, per instrument


def _off_scale(item: ItemSpec) -> tuple[object, str]:
    if item.kind == "boolean":
        return 1, "must be true or false (got 1)."
    if item.kind == "choice":
        allowed = ", ".join(str(v) for v in item.values)
        return item.high + 1, f"must be one of {allowed} (got {item.high + 1})."
    return item.high + 1, (
        f"must be a whole number from {item.low} to {item.high} (got {item.high + 1})."
    )


def _assert_422(response: Any, field: str, message: str) -> None:
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [{"field": field, "message": message}]
    assert message in body["detail"]


@pytest.mark.parametrize("code", CODES)
def test_wrong_number_of_answers(signed_in: SignIn, code: str) -> None:
    instrument = builtin_instruments()[code]
    answers = lowest(instrument.scoring.items)[:-1]
    n = instrument.item_count
    response = post_score(signed_in(Role.THERAPIST), code, {"answers": answers})
    _assert_422(
        response,
        "answers",
        f"{code} has {n} item{'s' if n > 1 else ''}; {n - 1} answer"
        f"{' was' if n - 1 == 1 else 's were'} sent (send one per item in the published order, "
        "null for an item not asked).",
    )


@pytest.mark.parametrize("code", CODES)
def test_an_answer_off_the_scale_names_the_item(signed_in: SignIn, code: str) -> None:
    instrument = builtin_instruments()[code]
    answers = lowest(instrument.scoring.items)
    last = instrument.item_count - 1
    item = instrument.scoring.items[last]
    if item.conditional:  # ASQ question 5: make it asked
        answers[0] = True
    value, message = _off_scale(item)
    answers[last] = value  # type: ignore[call-overload]
    response = post_score(signed_in(Role.THERAPIST), code, {"answers": answers})
    _assert_422(response, f"answers.{last}", f"{code} item {item.label} {message}")


@pytest.mark.parametrize("code", CODES)
def test_a_missing_required_answer_names_the_item(signed_in: SignIn, code: str) -> None:
    instrument = builtin_instruments()[code]
    answers = lowest(instrument.scoring.items)
    answers[0] = None
    item = instrument.scoring.items[0]
    response = post_score(signed_in(Role.THERAPIST), code, {"answers": answers})
    _assert_422(response, "answers.0", f"{code} item {item.label} is required.")


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        (
            [True, False, False, False, None],
            "answers.4",
            "ASQ item 5 is required when item 1 = true or item 2 = true or item 3 = true or "
            "item 4 = true.",
        ),
        (
            [False, False, False, False, True],
            "answers.4",
            "ASQ item 5 is asked only when item 1 = true or item 2 = true or item 3 = true or "
            "item 4 = true; send null for it.",
        ),
    ],
)
def test_asq_question_5(signed_in: SignIn, answers: list[Answer], field: str, message: str) -> None:
    _assert_422(post_score(signed_in(Role.THERAPIST), "ASQ", {"answers": answers}), field, message)


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "answers"), ({"answers": "0,1,2"}, "answers"), ({"answers": [0] * 501}, "answers")],
)
def test_the_body_must_hold_a_list_of_answers(
    signed_in: SignIn, body: dict[str, object], field: str
) -> None:
    response = post_score(signed_in(Role.THERAPIST), "PHQ-9", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
