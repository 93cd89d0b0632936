"""The treatment plan's journeys of issue 10 in real Chromium, axe on every page:

* a therapist adds a diagnosis from the practice's ICD-10-CM list (a code off the list
  refused beside its field) and resolves another;
* a therapist sees a plan review due on the home page, gives the plan a problem and a
  goal measured by the PCL-5, and signs a review that keeps the PCL-5 total;
* a therapist rewords a problem (a blank wording refused beside its field), resolves it,
  ends an intervention and aims a goal at a PCL-5 cluster.
"""

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kapcare.core import clock
from kapcare.pathway.models import Diagnosis, GoalReview, PlanReview, TreatmentPlan
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.browser.conftest import sign_in
from tests.factories import (
    TEST_PASSWORD,
    make_measure_response,
    make_plan_intervention,
    make_plan_problem,
)

pytestmark = pytest.mark.browser


def test_a_therapist_adds_and_resolves_diagnoses_from_the_chart(
    page: Page,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    client, therapist = team_clients[0], staff[Role.THERAPIST]
    noted_on = clock.today() - dt.timedelta(days=30)
    Diagnosis.objects.create(
        client=client, code="F41.1", description="Generalized anxiety disorder",
        noted_on=noted_on, recorded_by=therapist, recorded_at=clock.now(),
    )  # fmt: skip
    sign_in(page, therapist.user.email, TEST_PASSWORD)

    # Given the chart's plan panel lists the active diagnosis
    page.goto(f"/clients/{client.pk}/")
    plan = page.locator("#plan")
    expect(plan).to_contain_text("F41.1 Generalized anxiety disorder")
    plan.get_by_role("link", name="Diagnoses: add or resolve").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diagnoses")
    assert_accessible(page)

    # When the therapist types a code that is not on the practice's list
    page.get_by_label("ICD-10-CM code").fill("F40.10")
    page.get_by_role("button", name="Add the diagnosis").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".field-error")).to_contain_text(
        "Choose a code from the practice's diagnosis list."
    )
    assert_accessible(page)

    # then one from it
    page.get_by_label("ICD-10-CM code").fill("F43.12")
    page.get_by_role("button", name="Add the diagnosis").click()
    expect(
        page.get_by_text("F43.12 Post-traumatic stress disorder, chronic is recorded.")
    ).to_be_visible()

    # and resolves the anxiety diagnosis, first dated before it was noted
    form = page.get_by_role("form", name="Resolve F41.1")
    form.get_by_label("Resolved on").fill((noted_on - dt.timedelta(days=1)).isoformat())
    form.get_by_role("button", name=re.compile("^Resolve")).click()
    expect(page.get_by_role("form", name="Resolve F41.1").locator(".field-error")).to_contain_text(
        "A diagnosis is resolved on or after the day it was noted."
    )
    assert_accessible(page)
    form = page.get_by_role("form", name="Resolve F41.1")
    form.get_by_label("Resolved on").fill(clock.today().isoformat())
    form.get_by_role("button", name=re.compile("^Resolve")).click()
    expect(page.get_by_text("F41.1 is resolved.")).to_be_visible()

    # Then the active list holds the PTSD diagnosis, the resolved list the other
    active = page.get_by_role("region", name="Active")
    expect(active).to_contain_text("F43.12")
    expect(active).not_to_contain_text("F41.1")
    expect(page.get_by_role("region", name="Resolved")).to_contain_text("F41.1")
    assert_accessible(page)
    assert list(
        Diagnosis.objects.filter(resolved_on__isnull=True).values_list("code", flat=True)
    ) == ["F43.12"]


def test_a_therapist_reviews_the_plan_against_the_pcl5(
    page: Page,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    client, therapist = team_clients[0], staff[Role.THERAPIST]
    # The preparation stage gave the client a plan; its review fell due two days ago.
    TreatmentPlan.objects.filter(client=client).update(
        review_due_on=clock.today() - dt.timedelta(days=2)
    )
    make_measure_response(
        client=client, instrument_code="PCL-5", total=Decimal(29), entered_by=therapist,
        completed_at=clock.now() - dt.timedelta(days=1),
    )  # fmt: skip
    sign_in(page, therapist.user.email, TEST_PASSWORD)

    # Given the home page says the plan's review is overdue
    page.goto("/")
    reviews = page.get_by_role("region", name="Treatment plans to review")
    expect(reviews).to_contain_text("overdue")
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="Problems, goals, interventions and reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Treatment plan")
    assert_accessible(page)

    # When the therapist gives the plan a problem and a goal measured by the PCL-5
    page.get_by_label("Problem", exact=True).fill("Freezes when a partner withdraws")
    page.get_by_role("button", name="Add the problem").click()
    expect(page.get_by_text("The problem is on the plan.")).to_be_visible()
    page.get_by_label("Goal", exact=True).fill("Trauma symptoms below the PTSD cut-off")
    page.get_by_label("Measured by").select_option("PCL-5")
    page.get_by_label("Comparison").select_option("below")
    page.get_by_role("button", name="Add the goal").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".field-error")).to_contain_text("Give the target score, for example 33.")
    assert_accessible(page)
    page.get_by_label("Target score").fill("33")
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_text("The goal is on the plan.")).to_be_visible()
    expect(page.get_by_role("cell", name="PCL-5 below 33")).to_be_visible()

    # and reviews the plan, first without judging the goal
    page.get_by_role("link", name="Review the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the treatment plan")
    expect(page.get_by_text(re.compile(r"Latest PCL-5: 29 on"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Summary").fill("Steadier in conflict; the protector softens sooner.")
    page.get_by_role("button", name="Sign the review").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".field-error")).to_contain_text("Judge this goal's progress.")
    assert_accessible(page)
    assert not PlanReview.objects.exists()
    page.get_by_role("group", name=re.compile("^Progress:")).get_by_label("Much progress").check()
    page.get_by_role("button", name="Sign the review").click()

    # Then the signed review is in the history with the PCL-5 total it stood on
    expect(page.get_by_text("The review is signed and locked.")).to_be_visible()
    history = page.get_by_role("region", name="Signed reviews")
    expect(history.get_by_role("cell", name=re.compile(r"^PCL-5 29 \("))).to_contain_text(
        "target met"
    )
    expect(history).to_contain_text("Much progress")
    assert_accessible(page)
    judged = GoalReview.objects.get()
    assert (judged.progress, judged.score, judged.target_met) == (
        "much_progress",
        Decimal(29),
        True,
    )
    # and the home page no longer lists the plan
    page.goto("/")
    expect(page.get_by_role("region", name="Treatment plans to review")).to_have_count(0)


def test_a_therapist_rewords_and_resolves_a_problem_and_ends_an_intervention(
    page: Page,
    team_clients: list[Client],
    staff: dict[Role, StaffMember],
    assert_accessible: Callable[[Page], None],
) -> None:
    client, therapist = team_clients[0], staff[Role.THERAPIST]
    plan = TreatmentPlan.objects.get(client=client)
    written = clock.now() - dt.timedelta(days=20)
    problem = make_plan_problem(plan=plan, description="Freezes in conflict", created_at=written)
    make_plan_intervention(plan=plan, kind="emdr", frequency="fortnightly", created_at=written)
    sign_in(page, therapist.user.email, TEST_PASSWORD)
    page.goto(f"/clients/{client.pk}/treatment-plan/")
    row = page.locator(f"#problem-{problem.pk}")

    # When the therapist clears the wording and asks to reword it
    row.get_by_text("Reword or resolve").click()
    row.get_by_label("New wording").fill("")
    row.get_by_role("button", name="Reword the problem").click()

    # Then the refusal is beside that field, its form still open
    expect(page).to_have_title(re.compile(r"^Error: "))
    row = page.locator(f"#problem-{problem.pk}")
    expect(row.locator(".field-error")).to_contain_text("Write the problem's new wording.")
    assert_accessible(page)

    # and with words it is reworded, the earlier wording kept under it
    row.get_by_label("New wording").fill("Goes still when a partner withdraws")
    row.get_by_role("button", name="Reword the problem").click()
    reworded = page.get_by_text("The problem is reworded; its earlier wording is kept.")
    expect(reworded).to_be_visible()
    row = page.locator(f"#problem-{problem.pk}")
    expect(row).to_contain_text("Goes still when a partner withdraws")
    row.get_by_text("Earlier wording").click()
    expect(row).to_contain_text("“Freezes in conflict”")

    # When it resolves, and the EMDR ends
    row.get_by_text("Reword or resolve").click()
    row.get_by_role("button", name="Resolve the problem").click()
    expect(page.get_by_text("The problem is resolved.")).to_be_visible()
    expect(page.locator(f"#problem-{problem.pk}")).to_contain_text("resolved")
    interventions = page.get_by_role("region", name="Interventions")
    interventions.locator("summary", has_text="End").click()
    interventions.get_by_role("button", name="End the intervention").click()
    expect(page.get_by_text("The intervention is ended.")).to_be_visible()
    expect(page.get_by_role("region", name="Interventions")).to_contain_text("ended")

    # and a goal aims at the PCL-5's intrusion cluster
    page.get_by_label("Goal", exact=True).fill("Fewer intrusive memories")
    page.get_by_label("Measured by").select_option(label="PCL-5 intrusion (cluster B)")
    page.get_by_label("Comparison").select_option("at_or_below")
    page.get_by_label("Target score").fill("8")
    page.get_by_role("button", name="Add the goal").click()
    target = page.get_by_role("cell", name="PCL-5 intrusion (cluster B) at or below 8")
    expect(target).to_be_visible()
    assert_accessible(page)
