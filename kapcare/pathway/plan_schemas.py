"""API shapes of the plan's problems, goals, interventions and signed reviews.

A stable contract once released: keep these names, add freely. Dates are ``YYYY-MM-DD``;
times are ISO-8601 with an offset.
"""

import datetime as dt
from decimal import Decimal

from ninja import Field

from kapcare.core.api_fields import Day, LongText, Text
from kapcare.core.api_schema import Schema
from kapcare.pathway.goals import ReviewDue
from kapcare.pathway.models import GoalReview, PlanIntervention, PlanProblem, PlanReview
from kapcare.pathway.schemas import PlanOut
from kapcare.pathway.services import GoalRow, PlanDetail
from kapcare.pathway.vocabulary import (
    GoalComparison,
    GoalProgress,
    GoalStatus,
    InterventionKind,
)

__all__ = [
    "EndInterventionIn",
    "GoalIn",
    "GoalOut",
    "GoalStatusIn",
    "InterventionIn",
    "InterventionOut",
    "PlanDetailOut",
    "ProblemIn",
    "ProblemOut",
    "ProblemRewordIn",
    "ResolveProblemIn",
    "ReviewIn",
    "ReviewOut",
]


class ProblemIn(Schema):
    description: Text = Field(min_length=1, max_length=5000, description="In relational terms.")


class ProblemRewordIn(Schema):
    description: Text = Field(
        min_length=1, max_length=5000, description="The new wording; the old one is kept."
    )


class ResolveProblemIn(Schema):
    resolved_on: Day


class EarlierWordingOut(Schema):
    description: str
    replaced_at: dt.datetime = Field(description="When it was reworded.")


class ProblemOut(Schema):
    id: int
    description: str
    resolved_on: dt.date | None
    created_at: dt.datetime
    earlier_wordings: list[EarlierWordingOut] = Field(
        description="The wordings it had before, oldest first."
    )

    @staticmethod
    def of(problem: PlanProblem) -> "ProblemOut":
        return ProblemOut(
            id=problem.pk,
            description=problem.description,
            resolved_on=problem.resolved_on,
            created_at=problem.created_at,
            earlier_wordings=[
                EarlierWordingOut(description=w.description, replaced_at=w.replaced_at)
                for w in problem.wordings.all()
            ],
        )


class GoalIn(Schema):
    description: Text = Field(min_length=1, max_length=5000)
    problem: int | None = Field(None, description="The plan problem this goal answers.")
    instrument: Text | None = Field(
        None,
        max_length=32,
        description="A measure with a total or subscales (PCL-5); with comparison and target.",
    )
    subscale: Text | None = Field(
        None,
        max_length=64,
        description=(
            "One of the instrument's subscales (PCL-5 `B`, `C`, `D`, `E`; ECR-RS "
            "`avoidance`, `anxiety`); none: its total (required for a measure without one)."
        ),
    )
    comparison: GoalComparison | None = None
    target: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    target_date: Day | None = None


class LatestTotalOut(Schema):
    response: int
    total: Decimal = Field(description="The targeted score: the total, or the subscale's.")
    completed_at: dt.datetime


class GoalOut(Schema):
    id: int
    problem: int | None
    description: str
    instrument: str | None
    subscale: str | None
    comparison: GoalComparison | None
    target: Decimal | None
    target_text: str = Field(
        description="The target in words: 'PCL-5 below 33', 'PCL-5 intrusion (cluster B) below 8'."
    )
    target_date: dt.date | None
    status: GoalStatus
    latest: LatestTotalOut | None = Field(description="The targeted score's latest value now.")
    met_now: bool | None

    @staticmethod
    def of(row: GoalRow) -> "GoalOut":
        goal = row.goal
        return GoalOut(
            id=goal.pk,
            problem=goal.problem_id,
            description=goal.description,
            instrument=goal.instrument_code or None,
            subscale=goal.subscale or None,
            comparison=GoalComparison(goal.comparison) if goal.comparison else None,
            target=goal.target,
            target_text=row.target,
            target_date=goal.target_date,
            status=GoalStatus(goal.status),
            latest=(
                LatestTotalOut(
                    response=row.latest.response_id,
                    total=row.latest.total,
                    completed_at=row.latest.completed_at,
                )
                if row.latest
                else None
            ),
            met_now=row.met_now,
        )


class GoalStatusIn(Schema):
    status: GoalStatus


class InterventionIn(Schema):
    kind: InterventionKind
    description: LongText = ""
    frequency: Text = Field("", max_length=200, description="How often: 'weekly', 'every 3 weeks'.")
    goal: int | None = None


class EndInterventionIn(Schema):
    ended_on: Day


class InterventionOut(Schema):
    id: int
    kind: InterventionKind
    description: str
    frequency: str
    goal: int | None
    created_at: dt.datetime
    ended_on: dt.date | None = Field(description="When it stopped; null while it goes on.")

    @staticmethod
    def of(row: PlanIntervention) -> "InterventionOut":
        return InterventionOut(
            id=row.pk,
            kind=InterventionKind(row.kind),
            description=row.description,
            frequency=row.frequency,
            goal=row.goal_id,
            created_at=row.created_at,
            ended_on=row.ended_on,
        )


class PlanDetailOut(Schema):
    plan: PlanOut | None
    review_due: ReviewDue = Field(description="not_set, not_due, due (within two weeks), overdue.")
    problems: list[ProblemOut]
    goals: list[GoalOut]
    interventions: list[InterventionOut]

    @staticmethod
    def of(detail: PlanDetail) -> "PlanDetailOut":
        return PlanDetailOut(
            plan=PlanOut.of(detail.plan) if detail.plan else None,
            review_due=detail.due,
            problems=[ProblemOut.of(p) for p in detail.problems],
            goals=[GoalOut.of(g) for g in detail.goals],
            interventions=[InterventionOut.of(i) for i in detail.interventions],
        )


class GoalJudgementIn(Schema):
    goal: int
    progress: GoalProgress
    note: LongText = ""


class ReviewIn(Schema):
    reviewed_on: Day
    next_review_on: Day
    summary: LongText = ""
    goals: list[GoalJudgementIn] = Field(
        default_factory=list, description="One per goal in progress, each judged."
    )


class GoalReviewOut(Schema):
    goal: int
    description: str
    progress: GoalProgress
    note: str
    score: Decimal | None = Field(
        description="The targeted score's latest value when signed (total or subscale)."
    )
    scored_at: dt.datetime | None
    measure_response: int | None
    target_met: bool | None

    @staticmethod
    def of(row: GoalReview) -> "GoalReviewOut":
        return GoalReviewOut(
            goal=row.goal_id,
            description=row.goal.description,
            progress=GoalProgress(row.progress),
            note=row.note,
            score=row.score,
            scored_at=row.scored_at,
            measure_response=row.measure_response_id,
            target_met=row.target_met,
        )


class ReviewOut(Schema):
    id: int
    client: int
    reviewed_on: dt.date
    next_review_on: dt.date
    summary: str
    signed_by: int
    signed_at: dt.datetime
    plan_version: int
    goals: list[GoalReviewOut]

    @staticmethod
    def of(review: PlanReview) -> "ReviewOut":
        return ReviewOut(
            id=review.pk,
            client=review.client_id,
            reviewed_on=review.reviewed_on,
            next_review_on=review.next_review_on,
            summary=review.summary,
            signed_by=review.signed_by_id,
            signed_at=review.signed_at,
            plan_version=review.plan_version_id,
            goals=[GoalReviewOut.of(g) for g in review.goal_reviews.all()],
        )
