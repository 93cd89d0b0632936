"""The plan deepened, through the API: problems, measurable goals, interventions, and
reviews signed and locked with each goal's progress and its measure's latest total."""

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.pathway.models import PlanGoal, PlanReview, TreatmentPlan, TreatmentPlanVersion
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_measure_response, make_plan

SignIn = Callable[[Role], HttpClient]


def send(http: HttpClient, method: str, url: str, body: dict[str, object]) -> Any:
    return http.generic(method, url, json.dumps(body), content_type="application/json")


@pytest.fixture
def plan(team_client: Client, staff: dict[Role, StaffMember]) -> TreatmentPlan:
    return make_plan(client=team_client, updated_by=staff[Role.THERAPIST])


def _pcl5(client: Client, staff: StaffMember, total: int, days_ago: int) -> int:
    return make_measure_response(
        client=client, instrument_code="PCL-5", total=Decimal(total), entered_by=staff,
        completed_at=clock.now() - dt.timedelta(days=days_ago),
    ).pk  # fmt: skip


def test_a_therapist_builds_the_plan_and_signs_a_review_with_the_measures(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    base = f"/api/v1/clients/{team_client.pk}/plan"
    # Given a problem, a measurable goal, a relational goal and an intervention
    problem = send(http, "POST", f"{base}/problems", {"description": "Freezes in conflict"})
    assert problem.status_code == 201
    measured = send(http, "POST", f"{base}/goals", {
        "description": "Fewer trauma symptoms", "problem": problem.json()["id"],
        "instrument": "pcl-5", "comparison": "below", "target": 33})  # fmt: skip
    assert measured.status_code == 201
    assert measured.json()["instrument"] == "PCL-5"
    assert measured.json()["target_text"] == "PCL-5 below 33"
    relational = send(http, "POST", f"{base}/goals", {"description": "Stays present in conflict"})
    intervention = send(http, "POST", f"{base}/interventions", {
        "kind": "emdr", "frequency": "fortnightly", "goal": measured.json()["id"]})  # fmt: skip
    assert intervention.status_code == 201
    # and the PCL-5 taken twice, 52 then 30
    _pcl5(team_client, staff[Role.THERAPIST], 52, days_ago=60)
    latest = _pcl5(team_client, staff[Role.THERAPIST], 30, days_ago=2)

    # When the therapist signs a review judging both goals
    today = clock.today()
    signed = send(http, "POST", f"{base}/reviews", {
        "reviewed_on": today.isoformat(),
        "next_review_on": (today + dt.timedelta(days=90)).isoformat(),
        "summary": "Steadier; the protector softens sooner.",
        "goals": [
            {"goal": measured.json()["id"], "progress": "met"},
            {"goal": relational.json()["id"], "progress": "some_progress", "note": "Twice"},
        ],
    })  # fmt: skip

    # Then the review keeps each goal's progress and the PCL-5 total it stood on
    assert signed.status_code == 201, signed.content
    body = signed.json()
    assert [(g["progress"], g["score"], g["measure_response"], g["target_met"])
            for g in body["goals"]] == [
        ("met", "30.00", latest, True), ("some_progress", None, None, None)]  # fmt: skip
    # and the plan's next review date moved, with its state kept in the history
    plan.refresh_from_db()
    assert plan.review_due_on == today + dt.timedelta(days=90)
    review = PlanReview.objects.get()
    assert review.plan_version == TreatmentPlanVersion.objects.get()
    assert review.plan_version.review_due_on == plan.review_due_on
    assert AuditEvent.objects.filter(detail=f"plan_review:{review.pk}").count() == 1
    # and the plan reads back whole
    detail = http.get(base).json()
    assert detail["review_due"] == "not_due"
    assert [g["met_now"] for g in detail["goals"]] == [True, None]
    assert detail["interventions"][0]["kind"] == "emdr"
    listed = http.get(f"{base}/reviews").json()
    assert listed["count"] == 1
    assert listed["items"][0]["summary"] == "Steadier; the protector softens sooner."


def test_a_signed_review_is_locked(plan: TreatmentPlan) -> None:
    from tests.factories import make_plan_review

    review = make_plan_review(plan_version__plan=plan)
    review.summary = "changed"
    with pytest.raises(ValueError, match="locked"):
        review.save()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"description": "x", "instrument": "PCL-5"}, "comparison"),
     ({"description": "x", "comparison": "below", "target": 33}, "instrument"),
     ({"description": "x", "instrument": "PCL-5", "comparison": "below"}, "target"),
     ({"description": "x", "instrument": "NOPE-1", "comparison": "below", "target": 3},
      "instrument"),
     ({"description": "x", "problem": 999999}, "problem"),
     ({"description": "   "}, "description")],
)  # fmt: skip
def test_an_incomplete_goal_is_refused_naming_the_field(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan, body: dict[str, object],
    field: str,
) -> None:  # fmt: skip
    refused = send(signed_in(Role.THERAPIST), "POST",
                   f"/api/v1/clients/{team_client.pk}/plan/goals", body)  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == field
    assert not PlanGoal.objects.exists()


def test_a_review_must_judge_every_goal_in_progress(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan
) -> None:
    http = signed_in(Role.THERAPIST)
    base = f"/api/v1/clients/{team_client.pk}/plan"
    goal = send(http, "POST", f"{base}/goals", {"description": "Sleeps through"}).json()
    set_aside = send(http, "POST", f"{base}/goals", {"description": "Old goal"}).json()
    assert send(http, "PATCH", f"/api/v1/plan-goals/{set_aside['id']}",
                {"status": "discontinued"}).json()["status"] == "discontinued"  # fmt: skip
    today = clock.today()
    body: dict[str, object] = {"reviewed_on": today.isoformat(),
            "next_review_on": (today + dt.timedelta(days=30)).isoformat(), "goals": []}  # fmt: skip
    refused = send(http, "POST", f"{base}/reviews", body)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": f"goal_{goal['id']}", "message": "Judge this goal's progress."}
    ]
    assert not PlanReview.objects.exists()
    body["goals"] = [{"goal": goal["id"], "progress": "no_change"}]
    assert send(http, "POST", f"{base}/reviews", body).status_code == 201


def test_no_plan_yet_is_a_field_error(signed_in: SignIn, team_client: Client) -> None:
    http = signed_in(Role.THERAPIST)
    refused = send(http, "POST", f"/api/v1/clients/{team_client.pk}/plan/problems",
                   {"description": "x"})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "plan"
    assert http.get(f"/api/v1/clients/{team_client.pk}/plan").json()["plan"] is None


@pytest.mark.parametrize("role", [Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_others_neither_read_nor_change_the_plan(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan, role: Role
) -> None:
    http = signed_in(role)
    base = f"/api/v1/clients/{team_client.pk}/plan"
    assert http.get(base).status_code == 404
    assert http.get(f"{base}/reviews").status_code == 404
    assert send(http, "POST", f"{base}/goals", {"description": "x"}).status_code == 404
    assert not PlanGoal.objects.exists()
