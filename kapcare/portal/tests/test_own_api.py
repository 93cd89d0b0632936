"""The client's JSON API for the intake and questionnaires (``/api/v1/portal/...``):
the page's services behind it, the client's own records only (another client's id is
an audited 404), staff answered 404, every operation in the OpenAPI document."""

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient

from kapcare.accounts.models import User
from kapcare.audit.models import AuditEvent, AuditOutcome
from kapcare.core import clock
from kapcare.measures.models import MeasureAssignment, MeasureResponse, RiskFlag, Schedule
from kapcare.measures.services import assign_measure
from kapcare.people.access import actor_for_user
from kapcare.people.models import CareTeamMember, Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.models import CareTeamNotice, Intake
from kapcare.portal.tests.fixtures import portal_user_of

pytestmark = pytest.mark.django_db
Staff = dict[Role, StaffMember]
NOW = dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 2)
API = "/api/v1/portal"
MILD = [1, 1, 2, 1, 0, 1, 1, 0, 0]  # PHQ-9, 7: mild, item 9 never


@pytest.fixture(autouse=True)
def _held_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def _assign(
    staff: Staff, client: Client, code: str = "PHQ-9", due_on: dt.date = TODAY
) -> MeasureAssignment:
    return assign_measure(
        actor=actor_for_user(staff[Role.THERAPIST].user),
        client_id=client.pk,
        instrument_code=code,
        schedule=Schedule.MONTHLY if due_on > TODAY else Schedule.ONCE,
        due_on=due_on,
        now=NOW - dt.timedelta(days=1),
        site_url="http://testserver",
    )


def _post(http: HttpClient, path: str, body: object, method: str = "post") -> Any:
    send = getattr(http, method)
    return send(path, json.dumps(body), content_type="application/json")


# --- questionnaires ------------------------------------------------------------------


def test_the_client_lists_reads_and_answers_a_questionnaire(
    portal: HttpClient, staff: Staff, team_client: Client, portal_user: User
) -> None:
    assignment = _assign(staff, team_client)
    _assign(staff, team_client, "GAD-7", TODAY + dt.timedelta(days=20))  # not open yet

    listed = portal.get(f"{API}/questionnaires").json()
    assert listed["count"] == 1
    [task] = listed["items"]
    assert task == {
        "id": assignment.pk,
        "title": task["title"],
        "items": 9,
        "due_on": TODAY.isoformat(),
        "overdue": False,
    }
    assert "Patient Health Questionnaire" in task["title"]

    one = portal.get(f"{API}/questionnaires/{assignment.pk}").json()
    assert len(one["questions"]) == 9
    first = one["questions"][0]
    assert first["index"] == 0
    assert first["required"] is True
    assert [o["value"] for o in first["options"]] == ["0", "1", "2", "3"]
    assert first["options"][0]["label"]

    sent = _post(portal, f"{API}/questionnaires/{assignment.pk}/answers", {"answers": MILD})
    assert sent.status_code == 201
    body = sent.json()
    stored = MeasureResponse.objects.get()
    assert body == {
        "id": stored.pk,
        "completed_at": body["completed_at"],
        "needs_care_now": False,
        "crisis": "",
    }
    assert (stored.source, stored.total, stored.assignment_id) == (
        "portal",
        Decimal(7),
        assignment.pk,
    )
    assert AuditEvent.objects.filter(
        actor=portal_user, detail__startswith=f"measure_response:{stored.pk}:PHQ-9:portal"
    ).exists()
    # Answered: no longer waiting
    assert portal.get(f"{API}/questionnaires").json()["count"] == 0
    again = _post(portal, f"{API}/questionnaires/{assignment.pk}/answers", {"answers": MILD})
    assert again.status_code == 410
    assert portal.get(f"{API}/questionnaires/{assignment.pk}").status_code == 410
    assert MeasureResponse.objects.count() == 1


def test_item_9_flags_tells_the_team_and_answers_what_to_do_now(
    portal: HttpClient,
    staff: Staff,
    team_client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    assignment = _assign(staff, team_client)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(
            portal,
            f"{API}/questionnaires/{assignment.pk}/answers",
            {"answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]},
        )
    assert sent.status_code == 201
    assert sent.json()["needs_care_now"] is True
    assert "988" in sent.json()["crisis"]
    assert "911" in sent.json()["crisis"]
    assert RiskFlag.objects.get().code == "suicidality"
    assert any("safety flag" in m.subject.lower() for m in mail.outbox)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([0] * 8, "answers"),  # one missing
        ([0, 0, 0, 0, 0, 0, 0, 0, 7], "answers.8"),  # not one of the options
    ],
)
def test_bad_answers_are_refused_on_their_field(
    portal: HttpClient, staff: Staff, team_client: Client, answers: list[int], field: str
) -> None:
    assignment = _assign(staff, team_client)
    sent = _post(portal, f"{API}/questionnaires/{assignment.pk}/answers", {"answers": answers})
    assert sent.status_code == 422
    assert sent.json()["errors"][0]["field"].startswith(field)
    assert not MeasureResponse.objects.exists()


def test_another_clients_questionnaire_is_not_found_and_audited(
    portal: HttpClient, staff: Staff, other_client: Client, portal_user: User
) -> None:
    CareTeamMember.objects.create(
        client=other_client, staff=staff[Role.THERAPIST], role="therapist"
    )
    theirs = _assign(staff, other_client)
    assert portal.get(f"{API}/questionnaires").json()["count"] == 0
    assert portal.get(f"{API}/questionnaires/{theirs.pk}").status_code == 404
    answer = _post(portal, f"{API}/questionnaires/{theirs.pk}/answers", {"answers": [0] * 9})
    assert answer.status_code == 404
    assert portal.get(f"{API}/questionnaires/999999").status_code == 404
    assert not MeasureResponse.objects.exists()
    assert AuditEvent.objects.filter(actor=portal_user, outcome=AuditOutcome.DENIED).exists()


def test_staff_get_404_on_the_clients_api(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    assignment = _assign(staff, team_client)
    client.force_login(staff[Role.THERAPIST].user)
    for path in (
        f"{API}/questionnaires",
        f"{API}/questionnaires/{assignment.pk}",
        f"{API}/intake",
    ):
        assert client.get(path).status_code == 404, path


def test_the_questionnaire_list_takes_a_fixed_number_of_queries(
    staff: Staff, team_client: Client, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    http = HttpClient()
    http.force_login(portal_user_of(team_client))
    for code in ("PHQ-9", "GAD-7", "PCL-5"):
        _assign(staff, team_client, code)
    with django_assert_max_num_queries(14):
        assert http.get(f"{API}/questionnaires").json()["count"] == 3


# --- intake --------------------------------------------------------------------------

FULL = {
    "phone": "215-555-0101",
    "emergency_contact_name": "Sam Lee",
    "emergency_contact_relationship": "partner",
    "emergency_contact_phone": "215-555-0102",
    "history": "Years of talk therapy.",
    "goals": "To feel safe being close to people.",
    "medications": "none",
    "reflection": {"fit_stuck": "fits", "fit_fear": "not_sure"},
}


def test_the_client_saves_a_draft_then_sends_the_intake(
    portal: HttpClient, team_client: Client
) -> None:
    empty = portal.get(f"{API}/intake").json()
    assert empty["saved_at"] is None
    assert empty["sent"] is False
    assert [m["field"] for m in empty["missing_to_send"]][:1] == ["phone"]
    assert [r["key"] for r in empty["reflection"]] == [
        "fit_stuck",
        "fit_fear",
        "fit_harm",
        "fit_unfamiliar",
    ]

    draft = _post(portal, f"{API}/intake", {"goals": "Closeness."}, method="put")
    assert draft.status_code == 200
    assert draft.json()["goals"] == "Closeness."
    assert draft.json()["sent"] is False
    assert Intake.objects.get(client=team_client).submitted_at is None

    refused = _post(portal, f"{API}/intake/send", {"goals": "Closeness."})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "phone"

    sent = _post(portal, f"{API}/intake/send", FULL)
    assert sent.status_code == 200
    body = sent.json()
    assert body["sent"] is True
    assert body["missing_to_send"] == []
    assert {r["key"]: r["answer"] for r in body["reflection"]} == {
        "fit_stuck": "fits",
        "fit_fear": "not_sure",
        "fit_harm": None,
        "fit_unfamiliar": None,
    }
    team_client.refresh_from_db()
    assert team_client.emergency_contact_name == "Sam Lee"  # the client's own record
    assert CareTeamNotice.objects.filter(client=team_client, kind="intake_submitted").exists()
    assert portal.get(f"{API}/intake").json()["goals"] == FULL["goals"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "1" * 31}, "phone"),
        ({"history": "x" * 10001}, "history"),
        ({"goals": "bell\x07"}, "goals"),
        ({"reflection": {"fit_stuck": "maybe"}}, "reflection.fit_stuck"),
    ],
)
def test_bad_intake_values_are_refused_on_their_field(
    portal: HttpClient, team_client: Client, body: dict[str, Any], field: str
) -> None:
    response = _post(portal, f"{API}/intake", body, method="put")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Intake.objects.exists()


def test_the_intake_api_reads_only_the_clients_own(
    portal: HttpClient, other_client: Client
) -> None:
    other_user = portal_user_of(other_client, email="other.person@example.com")
    theirs = HttpClient()
    theirs.force_login(other_user)
    assert _post(theirs, f"{API}/intake", FULL, method="put").status_code == 200
    mine = portal.get(f"{API}/intake").json()
    assert mine["goals"] == ""
    assert mine["saved_at"] is None


def test_the_openapi_document_lists_the_clients_operations(
    signed_in: Callable[[Role], HttpClient],
) -> None:
    paths = signed_in(Role.THERAPIST).get("/api/v1/openapi.json").json()["paths"]
    assert set(paths[f"{API}/intake"]) == {"get", "put"}
    assert "post" in paths[f"{API}/intake/send"]
    assert "get" in paths[f"{API}/questionnaires"]
    assert "get" in paths[f"{API}/questionnaires/{{task_id}}"]
    answers = paths[f"{API}/questionnaires/{{task_id}}/answers"]["post"]
    assert {"201", "404", "410", "422"} <= set(answers["responses"])
