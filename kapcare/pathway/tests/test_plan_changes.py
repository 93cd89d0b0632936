"""Changing the plan after it is written: a problem reworded (its earlier wording kept) or
resolved with a date, an intervention ended with a date, goals aimed at a measure's
subscale; and none of it rewrites what a signed review recorded."""

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.pathway.models import (
    GoalReview,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
    PlanProblemWording,
    PlanReview,
    TreatmentPlan,
)
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import (
    make_measure_response,
    make_plan,
    make_plan_intervention,
    make_plan_problem,
)

SignIn = Callable[[Role], HttpClient]


def send(http: HttpClient, method: str, url: str, body: dict[str, object]) -> Any:
    return http.generic(method, url, json.dumps(body), content_type="application/json")


@pytest.fixture
def plan(team_client: Client, staff: dict[Role, StaffMember]) -> TreatmentPlan:
    return make_plan(client=team_client, updated_by=staff[Role.THERAPIST])


def _days_ago(days: int) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days)


# --- problems: reworded, resolved --------------------------------------------------------


def test_rewording_a_problem_keeps_its_earlier_wording(
    signed_in: SignIn, plan: TreatmentPlan, staff: dict[Role, StaffMember]
) -> None:
    problem = make_plan_problem(plan=plan, description="Freezes in conflict")
    http = signed_in(Role.THERAPIST)
    url = f"/api/v1/plan-problems/{problem.pk}"
    done = send(http, "PATCH", url, {"description": "Goes still when a partner withdraws"})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["description"] == "Goes still when a partner withdraws"
    assert [w["description"] for w in body["earlier_wordings"]] == ["Freezes in conflict"]
    kept = PlanProblemWording.objects.get()
    assert (kept.replaced_by, kept.client_id) == (staff[Role.THERAPIST], plan.client_id)
    assert AuditEvent.objects.filter(detail=f"plan_problem:{problem.pk}:reworded").count() == 1
    # The same words again change nothing; a second rewording keeps both earlier ones.
    assert send(http, "PATCH", url, {"description": "Goes still when a partner withdraws"})
    assert PlanProblemWording.objects.count() == 1
    send(http, "PATCH", url, {"description": "Third wording"})
    plan_body = http.get(f"/api/v1/clients/{plan.client_id}/plan").json()
    assert [w["description"] for w in plan_body["problems"][0]["earlier_wordings"]] == [
        "Freezes in conflict",
        "Goes still when a partner withdraws",
    ]
    # An earlier wording is kept as it was.
    kept.description = "changed"
    with pytest.raises(ValueError, match="kept as it was"):
        kept.save()


@pytest.mark.parametrize(
    ("days_ago", "message"),
    [
        (-1, "A problem cannot be resolved in the future."),
        (11, "A problem is resolved on or after the day it was written."),
    ],
)
def test_a_problem_is_resolved_between_its_writing_and_today(
    signed_in: SignIn, plan: TreatmentPlan, days_ago: int, message: str
) -> None:
    problem = make_plan_problem(plan=plan, created_at=_days_ago(10))
    http = signed_in(Role.THERAPIST)
    url = f"/api/v1/plan-problems/{problem.pk}/resolve"
    on = clock.today() - dt.timedelta(days=days_ago)
    refused = send(http, "POST", url, {"resolved_on": on.isoformat()})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "resolved_on", "message": message}]
    problem.refresh_from_db()
    assert problem.resolved_on is None


def test_a_resolved_problem_keeps_its_date_and_its_words(
    signed_in: SignIn, plan: TreatmentPlan
) -> None:
    problem = make_plan_problem(plan=plan, created_at=_days_ago(10))
    http = signed_in(Role.THERAPIST)
    on = clock.today() - dt.timedelta(days=2)
    done = send(http, "POST", f"/api/v1/plan-problems/{problem.pk}/resolve",
                {"resolved_on": on.isoformat()})  # fmt: skip
    assert done.status_code == 200
    assert done.json()["resolved_on"] == on.isoformat()
    assert AuditEvent.objects.filter(detail=f"plan_problem:{problem.pk}:resolved").count() == 1
    again = send(http, "POST", f"/api/v1/plan-problems/{problem.pk}/resolve",
                 {"resolved_on": clock.today().isoformat()})  # fmt: skip
    assert again.json()["errors"][0]["message"] == "This problem is already resolved."
    reworded = send(http, "PATCH", f"/api/v1/plan-problems/{problem.pk}", {"description": "x"})
    assert reworded.status_code == 422
    assert reworded.json()["errors"][0]["field"] == "description"
    problem.refresh_from_db()
    assert problem.resolved_on == on


# --- interventions: ended -----------------------------------------------------------------


def test_an_intervention_is_ended_once_with_a_date(signed_in: SignIn, plan: TreatmentPlan) -> None:
    row = make_plan_intervention(plan=plan, created_at=_days_ago(5))
    http = signed_in(Role.THERAPIST)
    url = f"/api/v1/plan-interventions/{row.pk}/end"
    day = clock.today()
    early = send(http, "POST", url, {"ended_on": (day - dt.timedelta(days=6)).isoformat()})
    assert early.json()["errors"] == [
        {"field": "ended_on", "message": "An intervention ends on or after the day it was added."}
    ]
    future = send(http, "POST", url, {"ended_on": (day + dt.timedelta(days=1)).isoformat()})
    assert future.json()["errors"][0]["message"] == "An intervention cannot end in the future."
    done = send(http, "POST", url, {"ended_on": clock.today().isoformat()})
    assert done.status_code == 200
    assert done.json()["ended_on"] == clock.today().isoformat()
    assert AuditEvent.objects.filter(detail=f"plan_intervention:{row.pk}:ended").count() == 1
    again = send(http, "POST", url, {"ended_on": clock.today().isoformat()})
    assert again.json()["errors"][0]["message"] == "This intervention has already ended."
    listed = http.get(f"/api/v1/clients/{plan.client_id}/plan").json()["interventions"]
    assert listed[0]["ended_on"] == clock.today().isoformat()


@pytest.mark.parametrize("role", [Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_others_cannot_change_problems_or_interventions(
    signed_in: SignIn, plan: TreatmentPlan, role: Role
) -> None:
    problem = make_plan_problem(plan=plan, description="Freezes in conflict")
    row = make_plan_intervention(plan=plan)
    http = signed_in(role)
    today = clock.today().isoformat()
    assert send(http, "PATCH", f"/api/v1/plan-problems/{problem.pk}",
                {"description": "x"}).status_code == 404  # fmt: skip
    assert send(http, "POST", f"/api/v1/plan-problems/{problem.pk}/resolve",
                {"resolved_on": today}).status_code == 404  # fmt: skip
    assert send(http, "POST", f"/api/v1/plan-interventions/{row.pk}/end",
                {"ended_on": today}).status_code == 404  # fmt: skip
    problem.refresh_from_db()
    row.refresh_from_db()
    assert (problem.description, problem.resolved_on, row.ended_on) == (
        "Freezes in conflict", None, None)  # fmt: skip


def test_a_clinician_of_another_practice_gets_404(signed_in: SignIn, plan: TreatmentPlan) -> None:
    other = make_plan()
    problem = make_plan_problem(plan=other)
    row = make_plan_intervention(plan=other)
    http = signed_in(Role.THERAPIST)
    assert send(http, "PATCH", f"/api/v1/plan-problems/{problem.pk}",
                {"description": "x"}).status_code == 404  # fmt: skip
    assert send(http, "POST", f"/api/v1/plan-interventions/{row.pk}/end",
                {"ended_on": clock.today().isoformat()}).status_code == 404  # fmt: skip


# --- goals on a subscale ------------------------------------------------------------------


def test_a_goal_targets_a_pcl5_cluster_and_the_review_keeps_that_score(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    base = f"/api/v1/clients/{team_client.pk}/plan"
    created = send(http, "POST", f"{base}/goals", {
        "description": "Fewer intrusive memories", "instrument": "PCL-5", "subscale": "b",
        "comparison": "at_or_below", "target": 8})  # fmt: skip
    assert created.status_code == 201, created.content
    goal = created.json()
    assert (goal["instrument"], goal["subscale"]) == ("PCL-5", "B")
    assert goal["target_text"] == "PCL-5 intrusion (cluster B) at or below 8"
    # The newest PCL-5 has the cluster score; the goal reads it, not the total.
    make_measure_response(client=team_client, instrument_code="PCL-5", total=Decimal(40),
                          subscales={"B": 14, "C": 5, "D": 12, "E": 9},
                          entered_by=staff[Role.THERAPIST], completed_at=_days_ago(30))  # fmt: skip
    latest = make_measure_response(
        client=team_client, instrument_code="PCL-5", total=Decimal(30),
        subscales={"B": 7, "C": 4, "D": 10, "E": 9}, entered_by=staff[Role.THERAPIST],
        completed_at=_days_ago(1))  # fmt: skip
    read = http.get(base).json()["goals"][0]
    assert (read["latest"]["total"], read["latest"]["response"], read["met_now"]) == (
        "7.00", latest.pk, True)  # fmt: skip
    today = clock.today()
    signed = send(http, "POST", f"{base}/reviews", {
        "reviewed_on": today.isoformat(),
        "next_review_on": (today + dt.timedelta(days=90)).isoformat(),
        "goals": [{"goal": goal["id"], "progress": "met"}]})  # fmt: skip
    assert signed.status_code == 201, signed.content
    assert [(g["score"], g["target_met"]) for g in signed.json()["goals"]] == [("7.00", True)]
    page = http.get(f"/clients/{team_client.pk}/treatment-plan/")
    assert b"PCL-5 intrusion (cluster B) 7 (" in page.content


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"instrument": "ECR-RS"}, "subscale",
         "The ECR-RS has no total: choose one of its subscales."),
        ({"instrument": "PCL-5", "subscale": "Z"}, "subscale",
         "Choose one of the PCL-5 subscales (intrusion (cluster B), avoidance (cluster C), "
         "negative mood and thinking (cluster D), arousal and reactivity (cluster E)), or none."),
        ({"instrument": "PHQ-9", "subscale": "B"}, "subscale",
         "Choose one of the PHQ-9 subscales (none), or none."),
        ({"subscale": "B"}, "instrument", "Choose the instrument that measures this goal."),
        ({"instrument": "ASQ"}, "instrument",
         "Choose one of the practice's measures that has a score."),
    ],
)  # fmt: skip
def test_a_subscale_goal_names_a_subscale_the_measure_has(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan,
    body: dict[str, object], field: str, message: str,
) -> None:  # fmt: skip
    full = {"description": "x", "comparison": "below", "target": 3, **body}
    refused = send(signed_in(Role.THERAPIST), "POST",
                   f"/api/v1/clients/{team_client.pk}/plan/goals", full)  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": field, "message": message}]
    assert not PlanGoal.objects.exists()


def test_an_instrument_without_a_total_is_measured_by_a_subscale(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan
) -> None:
    created = send(signed_in(Role.THERAPIST), "POST",
                   f"/api/v1/clients/{team_client.pk}/plan/goals", {
        "description": "Leans on a partner more", "instrument": "ECR-RS",
        "subscale": "avoidance", "comparison": "below", "target": "3.5"})  # fmt: skip
    assert created.status_code == 201
    assert created.json()["target_text"] == "ECR-RS avoidance below 3.5"


# --- what a signed review recorded ------------------------------------------------------


def test_changes_after_a_review_never_rewrite_it(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    base = f"/api/v1/clients/{team_client.pk}/plan"
    problem = send(http, "POST", f"{base}/problems", {"description": "Freezes in conflict"}).json()
    goal = send(http, "POST", f"{base}/goals", {
        "description": "Fewer symptoms", "problem": problem["id"], "instrument": "PCL-5",
        "comparison": "below", "target": 33}).json()  # fmt: skip
    intervention = send(http, "POST", f"{base}/interventions", {"kind": "emdr"}).json()
    make_measure_response(client=team_client, instrument_code="PCL-5", total=Decimal(41),
                          entered_by=staff[Role.THERAPIST], completed_at=_days_ago(1))  # fmt: skip
    today = clock.today()
    send(http, "POST", f"{base}/reviews", {
        "reviewed_on": today.isoformat(),
        "next_review_on": (today + dt.timedelta(days=90)).isoformat(),
        "summary": "Some steadiness.",
        "goals": [{"goal": goal["id"], "progress": "some_progress", "note": "first"}]})  # fmt: skip
    before = http.get(f"{base}/reviews").json()
    stored = list(GoalReview.objects.values())
    review_row = PlanReview.objects.values().get()

    # When the problem is reworded and resolved, the intervention ended, a later PCL-5
    # taken and the goal marked met
    send(http, "PATCH", f"/api/v1/plan-problems/{problem['id']}", {"description": "Reworded"})
    send(http, "POST", f"/api/v1/plan-problems/{problem['id']}/resolve",
         {"resolved_on": today.isoformat()})  # fmt: skip
    send(http, "POST", f"/api/v1/plan-interventions/{intervention['id']}/end",
         {"ended_on": today.isoformat()})  # fmt: skip
    make_measure_response(client=team_client, instrument_code="PCL-5", total=Decimal(20),
                          entered_by=staff[Role.THERAPIST], completed_at=clock.now())  # fmt: skip
    send(http, "PATCH", f"/api/v1/plan-goals/{goal['id']}", {"status": "met"})

    # Then the signed review reads as it was signed, row for row
    assert http.get(f"{base}/reviews").json() == before
    assert list(GoalReview.objects.values()) == stored
    assert PlanReview.objects.values().get() == review_row
    assert PlanProblem.objects.get().resolved_on == today
    assert PlanIntervention.objects.get().ended_on == today


# --- the page -----------------------------------------------------------------------------


def _row(content: bytes, anchor: str) -> str:
    """The HTML of one problem's or intervention's list item."""
    html = content.decode()
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</li>\n    \n", start)]


def test_rewording_resolving_and_ending_on_the_plan_page(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan
) -> None:
    problem = make_plan_problem(plan=plan, description="Freezes in conflict",
                                created_at=_days_ago(10))  # fmt: skip
    other = make_plan_problem(plan=plan, description="Sleeps badly", created_at=_days_ago(10))
    row = make_plan_intervention(plan=plan, kind="emdr", created_at=_days_ago(10))
    http = signed_in(Role.THERAPIST)
    url = f"/clients/{team_client.pk}/treatment-plan/"
    # A blank rewording is refused beside that problem's field, its details left open
    refused = http.post(url, {"form": "problem_reword", "item": problem.pk,
                              f"problem_reword-{problem.pk}-description": " "})  # fmt: skip
    assert refused.status_code == 422
    mine = _row(refused.content, f"problem-{problem.pk}")
    assert "Write the problem&#x27;s new wording." in mine
    assert '<details class="row-change" open>' in mine
    assert "field-error" not in _row(refused.content, f"problem-{other.pk}")
    # Reworded: the earlier wording shows under it
    done = http.post(url, {"form": "problem_reword", "item": problem.pk,
                           f"problem_reword-{problem.pk}-description": "Goes still"})  # fmt: skip
    assert done.status_code == 302
    page = http.get(url)
    assert "“Freezes in conflict”" in _row(page.content, f"problem-{problem.pk}")
    # A resolution in the future is refused beside the date
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    refused = http.post(url, {"form": "problem_resolve", "item": problem.pk,
                              f"problem_resolve-{problem.pk}-resolved_on": tomorrow})  # fmt: skip
    assert refused.status_code == 422
    assert "A problem cannot be resolved in the future." in _row(
        refused.content, f"problem-{problem.pk}")  # fmt: skip
    today = clock.today().isoformat()
    http.post(url, {"form": "problem_resolve", "item": problem.pk,
                    f"problem_resolve-{problem.pk}-resolved_on": today})  # fmt: skip
    # The intervention ended, too early first
    early = (clock.today() - dt.timedelta(days=11)).isoformat()
    refused = http.post(url, {"form": "intervention_end", "item": row.pk,
                              f"intervention_end-{row.pk}-ended_on": early})  # fmt: skip
    assert "An intervention ends on or after the day it was added." in _row(
        refused.content, f"intervention-{row.pk}")  # fmt: skip
    http.post(url, {"form": "intervention_end", "item": row.pk,
                    f"intervention_end-{row.pk}-ended_on": clock.today().isoformat()})  # fmt: skip
    page = http.get(url)
    resolved = _row(page.content, f"problem-{problem.pk}")
    assert "resolved " in resolved
    assert "Reword or resolve" not in resolved
    ended = _row(page.content, f"intervention-{row.pk}")
    assert "ended " in ended
    assert "End<span" not in ended
    problem.refresh_from_db()
    assert (problem.description, problem.resolved_on) == ("Goes still", clock.today())


def test_a_row_of_another_clients_plan_is_not_changed_from_this_page(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan
) -> None:
    elsewhere = make_plan_problem(description="Someone else's")
    http = signed_in(Role.THERAPIST)
    answer = http.post(f"/clients/{team_client.pk}/treatment-plan/", {
        "form": "problem_reword", "item": elsewhere.pk,
        f"problem_reword-{elsewhere.pk}-description": "x"})  # fmt: skip
    assert answer.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.description == "Someone else's"


def test_a_goal_on_a_subscale_from_the_page(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan
) -> None:
    http = signed_in(Role.THERAPIST)
    url = f"/clients/{team_client.pk}/treatment-plan/"
    page = http.get(url).content.decode()
    assert '<option value="PCL-5|B">PCL-5 intrusion (cluster B)</option>' in page
    assert '<option value="ECR-RS">' not in page  # no total to target
    done = http.post(url, {"form": "goal", "goal-description": "Fewer intrusions",
                           "goal-instrument": "PCL-5|B", "goal-comparison": "below",
                           "goal-target": "8"})  # fmt: skip
    assert done.status_code == 302
    goal = PlanGoal.objects.get()
    assert (goal.instrument_code, goal.subscale) == ("PCL-5", "B")
    assert "PCL-5 intrusion (cluster B) below 8" in http.get(url).content.decode()
