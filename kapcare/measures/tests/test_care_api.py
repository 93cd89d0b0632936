"""The measures-in-care API: shapes, errors, paging and query counts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.core import clock
from kapcare.measures.models import CompletionLink, MeasureResponse
from kapcare.measures.tests.care import ASQ_ACUTE, GAD7, PHQ9_CLEAR, PHQ9_FLAGGED, post_json
from kapcare.people.models import Client
from kapcare.people.policy import Role

pytestmark = pytest.mark.django_db
SignIn = Callable[[Role], HttpClient]


def _measures(client: Client) -> str:
    return f"/api/v1/clients/{client.pk}/measures"


def test_post_answers_201_with_the_score_and_the_flags_raised(
    signed_in: SignIn, team_client: Client, staff: Any
) -> None:
    response = post_json(
        signed_in(Role.THERAPIST),
        _measures(team_client),
        {"instrument": "phq-9", "answers": PHQ9_FLAGGED},
    )

    assert response.status_code == 201
    body = response.json()
    stored = MeasureResponse.objects.get()
    [flag] = body.pop("risk_flags")
    assert body == {
        "id": stored.pk,
        "client": team_client.pk,
        "instrument": "PHQ-9",
        "version": "1.0",
        "completed_at": body["completed_at"],
        "source": "staff",
        "entered_by": staff[Role.THERAPIST].pk,
        "assignment": None,
        "answers": PHQ9_FLAGGED,
        "total": 9,
        "severity": "mild",
        "subscales": {},
        "outcomes": {},
        "flags": ["suicidality"],
    }
    assert flag == {
        "id": flag["id"],
        "client": team_client.pk,
        "code": "suicidality",
        "label": "PHQ-9 item 9 answered above zero",
        "response": stored.pk,
        "instrument": "PHQ-9",
        "raised_at": flag["raised_at"],
        "open": True,
        "reviewed_at": None,
        "reviewed_by": None,
        "review_note": "",
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"instrument": "GAD-7", "answers": [0, 1, 2]},
            "answers",
            "GAD-7 has 7 items; 3 answers were sent (send one per item in the published order, "
            "null for an item not asked).",
        ),
        (
            {"instrument": "GAD-7", "answers": [0, 1, 2, 9, 0, 1, 2]},
            "answers.3",
            "GAD-7 item 4 must be one of 0, 1, 2, 3 (got 9).",
        ),
        ({"instrument": "NOPE-1", "answers": [0]}, "instrument", None),
        ({"instrument": "", "answers": [0]}, "instrument", None),
        ({"answers": [0]}, "instrument", "This field is required."),
        ({"instrument": "GAD-7", "answers": GAD7, "assignment": 999}, "assignment", None),
    ],
)
def test_bad_answers_are_422_naming_the_field(
    signed_in: SignIn, team_client: Client, body: dict[str, Any], field: str, message: str | None
) -> None:
    response = post_json(signed_in(Role.THERAPIST), _measures(team_client), body)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field
    if message is not None:
        assert error["message"] == message
    assert not MeasureResponse.objects.exists()


def test_history_is_newest_first_paged_and_filtered(signed_in: SignIn, team_client: Client) -> None:
    http = signed_in(Role.MEDICAL_PROVIDER)
    for instrument, answers in (("PHQ-9", PHQ9_CLEAR), ("GAD-7", GAD7), ("PHQ-9", PHQ9_FLAGGED)):
        assert (
            post_json(
                http, _measures(team_client), {"instrument": instrument, "answers": answers}
            ).status_code
            == 201
        )

    page = http.get(_measures(team_client), {"limit": 2}).json()
    assert page["count"] == 3
    assert [(i["instrument"], i["total"]) for i in page["items"]] == [("PHQ-9", 9), ("GAD-7", 9)]
    assert [f["code"] for f in page["items"][0]["risk_flags"]] == ["suicidality"]
    phq = http.get(_measures(team_client), {"instrument": "phq-9"}).json()
    assert [i["total"] for i in phq["items"]] == [9, 3]
    assert http.get(_measures(team_client), {"limit": 0}).status_code == 422


def test_history_costs_the_same_queries_however_long(
    signed_in: SignIn, team_client: Client, django_assert_max_num_queries: Any
) -> None:
    http = signed_in(Role.THERAPIST)
    for _ in range(2):
        post_json(http, _measures(team_client), {"instrument": "PHQ-9", "answers": PHQ9_FLAGGED})
    http.get(_measures(team_client))  # sessions and caches warm
    with CaptureQueriesContext(connection) as few:
        http.get(_measures(team_client))
    for _ in range(6):
        post_json(http, _measures(team_client), {"instrument": "PHQ-9", "answers": PHQ9_FLAGGED})
    with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as many:
        response = http.get(_measures(team_client))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.json()["count"] == 8


def test_flags_are_listed_and_reviewed(signed_in: SignIn, team_client: Client, staff: Any) -> None:
    therapist = signed_in(Role.THERAPIST)
    post_json(therapist, _measures(team_client), {"instrument": "ASQ", "answers": ASQ_ACUTE})
    post_json(therapist, _measures(team_client), {"instrument": "PHQ-9", "answers": PHQ9_FLAGGED})
    flags = f"/api/v1/clients/{team_client.pk}/risk-flags"

    listed = therapist.get(flags, {"open": "true"}).json()
    assert [f["code"] for f in listed["items"]] == ["suicidality", "suicide_risk"]
    flag_id = listed["items"][1]["id"]
    blank = post_json(therapist, f"{flags}/{flag_id}/review", {"note": "   "})
    assert blank.status_code == 422
    assert blank.json()["errors"] == [
        {"field": "note", "message": "Write what you found and decided: a review needs a note."}
    ]
    reviewed = post_json(therapist, f"{flags}/{flag_id}/review", {"note": "Assessed; safe."})
    assert reviewed.status_code == 200
    assert (
        reviewed.json()["open"],
        reviewed.json()["reviewed_by"],
        reviewed.json()["review_note"],
    ) == (
        False,
        staff[Role.THERAPIST].pk,
        "Assessed; safe.",
    )
    assert post_json(therapist, f"{flags}/{flag_id}/review", {"note": "x"}).status_code == 422
    assert [f["code"] for f in therapist.get(flags, {"open": "true"}).json()["items"]] == [
        "suicidality"
    ]
    assert [f["code"] for f in therapist.get(flags, {"open": "false"}).json()["items"]] == [
        "suicide_risk"
    ]
    assert therapist.get(flags).json()["count"] == 2
    assert post_json(therapist, f"{flags}/999999/review", {"note": "x"}).status_code == 404


def test_assignments_and_links(signed_in: SignIn, team_client: Client) -> None:
    http = signed_in(Role.THERAPIST)
    base = f"/api/v1/clients/{team_client.pk}"
    today = clock.today()

    created = post_json(
        http,
        f"{base}/measure-assignments",
        {"instrument": "gad-7", "schedule": "monthly", "due_on": today.isoformat()},
    )
    assert created.status_code == 201
    assignment = created.json()
    assert (assignment["instrument"], assignment["schedule"], assignment["ended_at"]) == (
        "GAD-7",
        "monthly",
        None,
    )
    assert http.get(f"{base}/measure-assignments").json()["count"] == 1
    bad = post_json(
        http,
        f"{base}/measure-assignments",
        {"instrument": "GAD-7", "schedule": "weekly", "due_on": today.isoformat()},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "schedule"

    link = post_json(
        http, f"{base}/measure-links", {"instrument": "GAD-7", "assignment": assignment["id"]}
    )
    assert link.status_code == 201
    url = link.json()["url"]
    assert url.startswith("http://testserver/complete/")
    assert url.rstrip("/").rsplit("/", 1)[1] not in CompletionLink.objects.get().digest
    phone = HttpClient()
    assert phone.get(url)["Location"] == "/complete/form/"
    answered = phone.post("/complete/form/", {f"q{i}": str(v) for i, v in enumerate(GAD7)})
    assert answered.status_code == 302
    assert MeasureResponse.objects.get().assignment_id == assignment["id"]
    assert (
        post_json(
            http, f"{base}/measure-links", {"instrument": "GAD-7", "valid_for_hours": 0}
        ).status_code
        == 422
    )

    ended = post_json(http, f"{base}/measure-assignments/{assignment['id']}/end", {})
    assert ended.status_code == 200
    assert ended.json()["ended_at"] is not None
    assert http.get(f"{base}/measure-assignments").json()["count"] == 0


def test_a_link_can_be_withdrawn_until_it_is_used(signed_in: SignIn, team_client: Client) -> None:
    http = signed_in(Role.THERAPIST)
    base = f"/api/v1/clients/{team_client.pk}/measure-links"
    first = post_json(http, base, {"instrument": "GAD-7"}).json()
    second = post_json(http, base, {"instrument": "GAD-7"}).json()

    withdrawn = post_json(http, f"{base}/{first['id']}/withdraw", {})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    assert HttpClient().get(first["url"]).status_code == 410
    assert post_json(http, f"{base}/{first['id']}/withdraw", {}).status_code == 422

    phone = HttpClient()
    phone.get(second["url"])
    phone.post("/complete/form/", {f"q{i}": str(v) for i, v in enumerate(GAD7)})
    used = post_json(http, f"{base}/{second['id']}/withdraw", {})
    assert used.status_code == 422
    assert used.json()["errors"] == [
        {"field": "link", "message": "This link has been used already; its answers are kept."}
    ]
    assert post_json(http, f"{base}/999999/withdraw", {}).status_code == 404
