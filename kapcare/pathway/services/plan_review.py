"""The plan's review: a signed act, locked when written, with its history; and the read
of the whole plan (problems, goals with their latest totals, interventions, reviews)
that the plan page and the API show.

Signing a review judges every goal in progress (``goals.check_review``), keeps each
measurable goal's latest total with the response it came from, sets the plan's next
review date and appends the plan's state to its history (the review names that state).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.pathway import facts, goals
from kapcare.pathway.access import access_plan_for_change
from kapcare.pathway.goals import ReviewDue
from kapcare.pathway.models import (
    GoalReview,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
    PlanProblemWording,
    PlanReview,
    TreatmentPlan,
)
from kapcare.pathway.services.plan import keep_version
from kapcare.pathway.vocabulary import GoalComparison, GoalProgress, GoalStatus
from kapcare.people.access import Actor, access_client, lock_client
from kapcare.people.models import Client
from kapcare.people.policy import Category

__all__ = ["GoalJudgement", "GoalRow", "PlanDetail", "get_plan_detail", "sign_plan_review"]


@dataclass(frozen=True)
class GoalJudgement:
    progress: GoalProgress | None
    note: str = ""


def _target_of(
    goal: PlanGoal, instruments: Mapping[str, facts.GoalMeasure] | None = None
) -> goals.Target | None:
    """The goal's target, its subscale in words when ``instruments`` are given."""
    if not goal.measured or goal.target is None:
        return None
    subscale = goal.subscale
    if subscale and instruments and goal.instrument_code in instruments:
        subscale = instruments[goal.instrument_code].subscales.get(subscale, subscale)
    return goals.Target(
        goal.instrument_code, GoalComparison(goal.comparison), goal.target, subscale
    )


def _score_keys(rows: list[PlanGoal]) -> list[tuple[str, str]]:
    """The ``(instrument, subscale)`` scores these goals target."""
    return sorted({(g.instrument_code, g.subscale) for g in rows if g.measured})


def sign_plan_review(
    *,
    actor: Actor,
    client_id: int,
    reviewed_on: dt.date,
    next_review_on: dt.date,
    summary: str,
    judgements: Mapping[int, GoalJudgement],
    now: dt.datetime,
) -> PlanReview:
    client, staff, plan = access_plan_for_change(actor, client_id, "plan_review")
    text = clean_text(summary, "summary")
    notes = {goal_id: clean_text(j.note, f"goal_{goal_id}") for goal_id, j in judgements.items()}
    with transaction.atomic():
        lock_client(client.pk)
        in_progress = list(
            PlanGoal.objects.filter(plan=plan, status=GoalStatus.ACTIVE.value).order_by("id")
        )
        problems = goals.check_review(
            reviewed_on=reviewed_on,
            next_review_on=next_review_on,
            today=timezone.localdate(now),
            goals_in_progress=[g.pk for g in in_progress],
            progress={goal_id: j.progress for goal_id, j in judgements.items()},
        )
        if problems:
            raise FieldError(*problems[0])
        scores = facts.goal_scores(client.pk, _score_keys(in_progress))
        plan = TreatmentPlan.objects.get(pk=plan.pk)
        plan.review_due_on = next_review_on
        plan.updated_by = staff
        plan.changed_by_client = False
        plan.updated_at = now
        plan.save(update_fields=["review_due_on", "updated_by", "changed_by_client", "updated_at"])
        review = PlanReview.objects.create(
            plan=plan,
            client=client,
            plan_version=keep_version(plan, staff=staff, now=now),
            reviewed_on=reviewed_on,
            summary=text,
            next_review_on=next_review_on,
            signed_by=staff,
            signed_at=now,
        )
        for goal in in_progress:
            # check_review refused a goal in progress left unjudged.
            progress = GoalProgress(judgements[goal.pk].progress or "")
            target = _target_of(goal)
            latest = scores.get((goal.instrument_code, goal.subscale)) if target else None
            GoalReview.objects.create(
                review=review,
                goal=goal,
                progress=progress.value,
                note=notes[goal.pk],
                score=latest.total if latest else None,
                scored_at=latest.completed_at if latest else None,
                measure_response_id=latest.response_id if latest else None,
                target_met=goals.goal_met(target, latest.total) if target and latest else None,
            )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"plan_review:{review.pk}",
        )
    return review


# --- the read of the whole plan -------------------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    """A goal with its target in words and the latest value of the score it targets
    (the instrument's total or the subscale's score) now."""

    goal: PlanGoal
    target: str
    latest: facts.LatestTotal | None
    met_now: bool | None
    score_name: str = ""  # "PCL-5 intrusion (cluster B)": what the target is for


@dataclass(frozen=True)
class PlanDetail:
    client: Client
    plan: TreatmentPlan | None
    problems: list[PlanProblem]
    goals: list[GoalRow]
    interventions: list[PlanIntervention]
    reviews: list[PlanReview]
    due: ReviewDue
    instruments: dict[str, facts.GoalMeasure]

    @property
    def goals_in_progress(self) -> list[GoalRow]:
        return [row for row in self.goals if row.goal.status == GoalStatus.ACTIVE]

    @property
    def review_rows(self) -> list[tuple[PlanReview, list[tuple[GoalReview, str]]]]:
        """Each signed review with its goals' judgements, each beside the name of the
        score it kept ("PCL-5 intrusion (cluster B)"; empty when the goal is not measured)."""
        names = {row.goal.pk: row.score_name for row in self.goals}
        return [
            (review, [(g, names.get(g.goal_id, "")) for g in review.goal_reviews.all()])
            for review in self.reviews
        ]


def get_plan_detail(
    actor: Actor, client_id: int, *, today: dt.date, detail: str = "plan"
) -> PlanDetail:
    """The client's plan with its problems, goals, interventions and signed reviews (an
    audited read of clinical data), in a fixed number of queries."""
    client = access_client(actor, client_id, Category.CLINICAL, detail=detail)
    plan = TreatmentPlan.objects.filter(client=client).first()
    if plan is None:
        return PlanDetail(client, None, [], [], [], [], ReviewDue.NOT_SET, {})
    goal_rows = list(PlanGoal.objects.filter(plan=plan).order_by("created_at", "id"))
    scores = facts.goal_scores(client.pk, _score_keys(goal_rows))
    instruments = facts.goal_instruments()
    rows = []
    for goal in goal_rows:
        target = _target_of(goal, instruments)
        latest = scores.get((goal.instrument_code, goal.subscale)) if target else None
        rows.append(
            GoalRow(
                goal=goal,
                target=goals.describe_target(target) if target else "",
                latest=latest,
                met_now=goals.goal_met(target, latest.total) if target and latest else None,
                score_name=goals.describe_score(target) if target else "",
            )
        )
    reviews = list(
        PlanReview.objects.filter(plan=plan)
        .select_related("signed_by__user")
        .prefetch_related(
            Prefetch("goal_reviews", GoalReview.objects.select_related("goal").order_by("id"))
        )
        .order_by("-reviewed_on", "-id")
    )
    return PlanDetail(
        client=client,
        plan=plan,
        problems=list(
            PlanProblem.objects.filter(plan=plan)
            .prefetch_related(
                Prefetch("wordings", PlanProblemWording.objects.order_by("replaced_at", "id"))
            )
            .order_by("created_at", "id")
        ),
        goals=rows,
        interventions=list(
            PlanIntervention.objects.filter(plan=plan)
            .select_related("goal")
            .order_by("created_at", "id")
        ),
        reviews=reviews,
        due=goals.review_due(plan.review_due_on, today),
        instruments=instruments,
    )
