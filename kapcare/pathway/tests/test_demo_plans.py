"""The demo practice's plans in depth: what a visitor to `make run` sees on the plan page."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from kapcare.pathway.demo_plans import load_demo_plans
from kapcare.pathway.models import (
    GoalReview,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
    PlanProblemWording,
    PlanReview,
)


@pytest.mark.django_db
def test_load_demo_gives_the_plans_problems_goals_interventions_and_signed_reviews() -> None:
    call_command("load_demo", stdout=StringIO())

    assert PlanProblem.objects.filter(client__legal_given_name="Harper").count() == 2
    # goals on a total, on a PCL-5 cluster and on a scale without a total
    assert PlanGoal.objects.filter(instrument_code="PCL-5", subscale="").exists()
    assert PlanGoal.objects.filter(instrument_code="PCL-5", subscale="B").exists()
    assert PlanGoal.objects.filter(instrument_code="ECR-RS", subscale="avoidance").exists()
    # signed reviews that kept the scores they stood on
    reviewed = set(PlanReview.objects.values_list("client__legal_given_name", flat=True))
    assert reviewed == {"Harper", "Jonah"}
    kept = GoalReview.objects.filter(goal__instrument_code="PCL-5", goal__subscale="")
    assert kept.count() == 2
    assert all(g.score is not None and g.measure_response_id for g in kept)
    # and a plan that lived: a problem reworded, one resolved, an intervention ended
    jonah = PlanProblem.objects.filter(client__legal_given_name="Jonah")
    assert PlanProblemWording.objects.filter(problem__in=jonah).count() == 1
    assert jonah.filter(resolved_on__isnull=False).count() == 1
    assert PlanIntervention.objects.filter(ended_on__isnull=False).count() == 1

    # The plan page shows it to Harper's therapist
    harper = PlanProblem.objects.filter(client__legal_given_name="Harper").first()
    assert harper is not None
    browser = HttpClient()
    browser.force_login(harper.created_by.user)
    page = browser.get(f"/clients/{harper.client_id}/treatment-plan/").content.decode()
    assert "PCL-5 intrusion (cluster B) at or below 8" in page
    assert "Review of" in page

    count = PlanProblem.objects.count()
    assert load_demo_plans() == 0
    assert PlanProblem.objects.count() == count
