"""The treatment plan's pages: problems, goals, interventions, signing a review, the
review due on the chart and the home page."""

import datetime as dt
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
    PlanReview,
    TreatmentPlan,
)
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import (
    make_measure_response,
    make_plan,
    make_plan_goal,
    make_plan_intervention,
    make_plan_problem,
    make_plan_problem_wording,
    make_plan_review,
)
from tests.whole_chart import whole_chart

SignIn = Callable[[Role], HttpClient]


@pytest.fixture
def plan(team_client: Client, staff: dict[Role, StaffMember]) -> TreatmentPlan:
    return make_plan(client=team_client, updated_by=staff[Role.THERAPIST])


def test_a_therapist_adds_a_problem_a_measured_goal_and_an_intervention(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan
) -> None:
    http = signed_in(Role.THERAPIST)
    url = f"/clients/{team_client.pk}/treatment-plan/"
    assert http.get(url).status_code == 200
    # problem
    done = http.post(url, {"form": "problem", "problem-description": "Freezes in conflict"})
    assert done.status_code == 302
    problem = PlanProblem.objects.get()
    # a goal measured without its target: refused beside the field, nothing saved
    refused = http.post(
        url,
        {
            "form": "goal",
            "goal-description": "Fewer symptoms",
            "goal-instrument": "PCL-5",
            "goal-comparison": "below",
        },
    )
    assert refused.status_code == 422
    assert b"Give the target score, for example 33." in refused.content
    assert not PlanGoal.objects.exists()
    http.post(
        url,
        {
            "form": "goal",
            "goal-description": "Fewer symptoms",
            "goal-problem": problem.pk,
            "goal-instrument": "PCL-5",
            "goal-comparison": "below",
            "goal-target": "33",
        },
    )
    goal = PlanGoal.objects.get()
    assert (goal.instrument_code, goal.target, goal.problem_id) == (
        "PCL-5",
        Decimal(33),
        problem.pk,
    )
    http.post(
        url,
        {
            "form": "intervention",
            "intervention-kind": "parts_work",
            "intervention-frequency": "weekly",
            "intervention-goal": goal.pk,
        },
    )
    assert PlanIntervention.objects.get().goal_id == goal.pk
    page = http.get(url)
    assert b"PCL-5 below 33" in page.content
    assert b"Parts work</strong>, weekly" in page.content
    # and marks the goal met
    http.post(url, {"form": "goal_status", "goal": goal.pk, "status": "met"})
    goal.refresh_from_db()
    assert goal.status == "met"


def test_signing_a_review_on_the_page(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    goal = make_plan_goal(plan=plan)
    make_measure_response(
        client=team_client,
        instrument_code="PCL-5",
        total=Decimal(41),
        entered_by=staff[Role.THERAPIST],
        completed_at=clock.now(),
    )
    url = f"/clients/{team_client.pk}/treatment-plan/review/"
    page = http.get(url)
    assert b"Latest PCL-5: 41 on" in page.content
    today = clock.today()
    # Unjudged: refused beside the goal
    refused = http.post(
        url,
        {
            "reviewed_on": today.isoformat(),
            "next_review_on": (today + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert refused.status_code == 422
    assert b"Judge this goal&#x27;s progress." in refused.content
    assert not PlanReview.objects.exists()
    signed = http.post(
        url,
        {
            "reviewed_on": today.isoformat(),
            "summary": "Steadier",
            "next_review_on": (today + dt.timedelta(days=90)).isoformat(),
            f"goal_{goal.pk}": "some_progress",
        },
    )
    assert signed.status_code == 302
    judged = GoalReview.objects.get()
    assert (judged.score, judged.target_met) == (Decimal(41), False)
    history = http.get(f"/clients/{team_client.pk}/treatment-plan/")
    assert b"Review of" in history.content
    assert b"PCL-5 41 (" in history.content


def test_review_due_shows_on_the_chart_and_the_home_page(
    signed_in: SignIn, team_client: Client, plan: TreatmentPlan
) -> None:
    plan.review_due_on = clock.today() - dt.timedelta(days=1)
    plan.save()
    http = signed_in(Role.THERAPIST)
    chart = whole_chart(http, team_client.pk)
    assert b"overdue" in chart.content
    assert f"/clients/{team_client.pk}/treatment-plan/review/".encode() in chart.content
    home = http.get("/")
    assert b"Treatment plans to review" in home.content
    assert AuditEvent.objects.filter(
        detail="home:plan-reviews-due", client_id=team_client.pk
    ).exists()
    # the front desk's home page does not list them
    assert b"Treatment plans to review" not in signed_in(Role.FRONT_DESK).get("/").content


def test_the_plan_page_takes_a_fixed_number_of_queries(
    signed_in: SignIn,
    team_client: Client,
    plan: TreatmentPlan,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    http = signed_in(Role.THERAPIST)
    url = f"/clients/{team_client.pk}/treatment-plan/"
    for _ in range(4):
        problem = make_plan_problem(plan=plan)
        make_plan_problem_wording(problem=problem)  # reworded once
        make_plan_problem(plan=plan, resolved_on=clock.today())
        goal = make_plan_goal(plan=plan, problem=problem)
        make_plan_goal(plan=plan, instrument_code="PCL-5", subscale="B", comparison="below",
                       target=Decimal(8))  # fmt: skip
        make_plan_intervention(plan=plan, goal=goal)
        make_plan_intervention(plan=plan, ended_on=clock.today())
        make_plan_review(plan_version__plan=plan)
    with django_assert_max_num_queries(24):
        assert http.get(url).status_code == 200
