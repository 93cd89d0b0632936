"""Questionnaires in the portal: assigned measures due now are tasks, answered on the
questionnaire form, scored and flag-checked as a completion link is; PHQ-9 item 9 raises
the risk flag to the care team and shows the client the crisis resources."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient

from kapcare.accounts.models import User
from kapcare.audit.models import AuditEvent, AuditOutcome
from kapcare.core import clock
from kapcare.measures import schedule
from kapcare.measures.models import MeasureAssignment, MeasureResponse, RiskFlag, Schedule
from kapcare.measures.services import assign_measure
from kapcare.people.access import actor_for_user
from kapcare.people.models import CareTeamMember, Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.tests.fixtures import portal_user_of

Staff = dict[Role, StaffMember]
NOW = dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _held_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def _assign(
    staff: Staff,
    client: Client,
    code: str = "PHQ-9",
    kind: Schedule = Schedule.ONCE,
    due_on: dt.date = TODAY,
) -> MeasureAssignment:
    return assign_measure(
        actor=actor_for_user(staff[Role.THERAPIST].user),
        client_id=client.pk,
        instrument_code=code,
        schedule=kind,
        due_on=due_on,
        now=NOW - dt.timedelta(days=1),
        site_url="http://testserver",
    )


def _answers(values: list[int]) -> dict[str, str]:
    return {f"q{i}": str(v) for i, v in enumerate(values)}


def test_the_window_opens_before_each_occurrence() -> None:
    day = dt.date(2026, 3, 10)
    assert schedule.is_open("once", day, day - dt.timedelta(days=30))
    assert schedule.is_open("monthly", day, day - dt.timedelta(days=7))
    assert not schedule.is_open("monthly", day, day - dt.timedelta(days=8))
    assert schedule.is_open("before_medicine", day, day - dt.timedelta(days=7))
    assert not schedule.is_open("before_medicine", day, day - dt.timedelta(days=8))
    assert schedule.is_open("each_integration", day, day - dt.timedelta(days=2))
    assert not schedule.is_open("each_integration", day, day - dt.timedelta(days=3))


def test_a_due_measure_is_a_task_on_home_and_questionnaires(
    portal: HttpClient, staff: Staff, team_client: Client
) -> None:
    _assign(staff, team_client)
    _assign(staff, team_client, "GAD-7", Schedule.MONTHLY, TODAY + dt.timedelta(days=20))
    for page in ("/portal/", "/portal/questionnaires/"):
        body = portal.get(page).content.decode()
        assert "Patient Health Questionnaire" in body
        assert "Generalized Anxiety" not in body  # its window opens a week before


def test_the_client_answers_a_phq9_and_it_is_scored_and_stored(
    portal: HttpClient, staff: Staff, team_client: Client, portal_user: User
) -> None:
    assignment = _assign(staff, team_client)
    form = portal.get(f"/portal/questionnaires/{assignment.pk}/")
    assert form.status_code == 200
    assert "988" in form.content.decode()
    sent = portal.post(
        f"/portal/questionnaires/{assignment.pk}/", _answers([1, 1, 2, 1, 0, 1, 1, 0, 0])
    )
    assert sent.status_code == 302
    assert sent["Location"] == "/portal/questionnaires/done/"
    response = MeasureResponse.objects.get()
    assert (response.source, response.severity) == ("portal", "mild")
    assert response.total == Decimal(7)
    assert response.assignment_id == assignment.pk
    assert response.entered_by is None
    assert not RiskFlag.objects.exists()
    done = portal.get("/portal/questionnaires/done/").content.decode()
    assert "sent to your care team" in done
    assert "You are not alone" not in done
    assert "Nothing to answer right now" in done  # the task is met
    assert AuditEvent.objects.filter(
        actor=portal_user, detail__startswith=f"measure_response:{response.pk}:PHQ-9:portal"
    ).exists()


def test_item_9_raises_the_flag_tells_the_team_and_shows_the_crisis_box(
    portal: HttpClient,
    staff: Staff,
    team_client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    assignment = _assign(staff, team_client)
    with django_capture_on_commit_callbacks(execute=True):
        portal.post(
            f"/portal/questionnaires/{assignment.pk}/", _answers([0, 0, 0, 0, 0, 0, 0, 0, 1])
        )
    flag = RiskFlag.objects.get()
    assert flag.code == "suicidality"
    assert flag.client_id == team_client.pk
    assert any("safety flag" in m.subject.lower() for m in mail.outbox)  # the care team
    done = portal.get("/portal/questionnaires/done/").content.decode()
    assert "You are not alone with this" in done
    assert 'href="tel:988"' in done
    assert "911" in done
    again = portal.get("/portal/questionnaires/done/").content.decode()
    assert "You are not alone with this" not in again  # said once


def test_a_missing_answer_is_refused_on_its_question(
    portal: HttpClient, staff: Staff, team_client: Client
) -> None:
    assignment = _assign(staff, team_client)
    response = portal.post(
        f"/portal/questionnaires/{assignment.pk}/", _answers([1, 1, 2, 1, 0, 1, 1, 0])
    )
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()
    assert not MeasureResponse.objects.exists()


def test_an_answered_once_measure_is_not_due_again(
    portal: HttpClient, staff: Staff, team_client: Client
) -> None:
    assignment = _assign(staff, team_client)
    url = f"/portal/questionnaires/{assignment.pk}/"
    portal.post(url, _answers([0] * 9))
    assert portal.get(url).status_code == 410
    assert portal.post(url, _answers([0] * 9)).status_code == 410
    assert MeasureResponse.objects.count() == 1


def test_a_measure_not_yet_due_cannot_be_answered(
    portal: HttpClient, staff: Staff, team_client: Client
) -> None:
    assignment = _assign(staff, team_client, "GAD-7", Schedule.MONTHLY, TODAY + dt.timedelta(20))
    assert portal.get(f"/portal/questionnaires/{assignment.pk}/").status_code == 410


def test_another_clients_assignment_is_not_found_and_audited(
    portal: HttpClient, staff: Staff, team_client: Client, other_client: Client, portal_user: User
) -> None:

    CareTeamMember.objects.create(
        client=other_client, staff=staff[Role.THERAPIST], role="therapist"
    )
    theirs = _assign(staff, other_client)
    url = f"/portal/questionnaires/{theirs.pk}/"
    assert portal.get(url).status_code == 404
    assert portal.post(url, _answers([0] * 9)).status_code == 404
    assert not MeasureResponse.objects.exists()
    assert AuditEvent.objects.filter(actor=portal_user, outcome=AuditOutcome.DENIED).exists()


def test_staff_cannot_answer_in_the_portal(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    assignment = _assign(staff, team_client)
    client.force_login(staff[Role.THERAPIST].user)
    assert client.get(f"/portal/questionnaires/{assignment.pk}/").status_code == 404


def test_the_tasks_page_takes_a_fixed_number_of_queries(
    staff: Staff, team_client: Client, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    user = portal_user_of(team_client)
    http = HttpClient()
    http.force_login(user)
    for code in ("PHQ-9", "GAD-7", "PCL-5"):
        _assign(staff, team_client, code)
    with django_assert_max_num_queries(16):
        assert http.get("/portal/questionnaires/").status_code == 200
