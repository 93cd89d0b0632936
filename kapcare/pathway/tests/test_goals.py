"""The plan's goals and reviews as pure rules: targets, due dates, what a review needs."""

import datetime as dt
from decimal import Decimal

import pytest

from kapcare.pathway.goals import (
    ReviewDue,
    Target,
    check_review,
    describe_target,
    goal_met,
    next_review_default,
    review_due,
)
from kapcare.pathway.vocabulary import GoalComparison, GoalProgress

C = GoalComparison


@pytest.mark.parametrize(
    ("comparison", "total", "met"),
    [(C.BELOW, "32", True), (C.BELOW, "33", False), (C.AT_OR_BELOW, "33", True),
     (C.AT_OR_BELOW, "33.5", False), (C.ABOVE, "34", True), (C.ABOVE, "33", False),
     (C.AT_OR_ABOVE, "33", True), (C.AT_OR_ABOVE, "32.99", False)],
)  # fmt: skip
def test_goal_met(comparison: GoalComparison, total: str, met: bool) -> None:
    assert goal_met(Target("PCL-5", comparison, Decimal(33)), Decimal(total)) is met


@pytest.mark.parametrize(
    ("comparison", "value", "words"),
    [(C.BELOW, "33", "PCL-5 below 33"), (C.AT_OR_BELOW, "33.00", "PCL-5 at or below 33"),
     (C.AT_OR_ABOVE, "4.5", "PCL-5 at or above 4.5"), (C.BELOW, "3.50", "PCL-5 below 3.5"),
     (C.BELOW, "30.00", "PCL-5 below 30")],
)  # fmt: skip
def test_describe_target(comparison: GoalComparison, value: str, words: str) -> None:
    assert describe_target(Target("PCL-5", comparison, Decimal(value))) == words


def test_describe_target_of_a_subscale() -> None:
    target = Target("PCL-5", C.AT_OR_BELOW, Decimal(8), subscale="intrusion (cluster B)")
    assert describe_target(target) == "PCL-5 intrusion (cluster B) at or below 8"


DUE = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("due_on", "today", "state"),
    [(None, DUE, ReviewDue.NOT_SET), (DUE, dt.date(2026, 6, 15), ReviewDue.NOT_DUE),
     (DUE, dt.date(2026, 6, 16), ReviewDue.DUE), (DUE, DUE, ReviewDue.DUE),
     (DUE, dt.date(2026, 7, 1), ReviewDue.OVERDUE)],
)  # fmt: skip
def test_review_due(due_on: dt.date | None, today: dt.date, state: ReviewDue) -> None:
    assert review_due(due_on, today) is state


def test_the_next_review_defaults_to_ninety_days_on() -> None:
    assert next_review_default(dt.date(2026, 4, 1)) == dt.date(2026, 6, 30)


TODAY = dt.date(2026, 4, 1)
P = GoalProgress


@pytest.mark.parametrize(
    ("reviewed_on", "next_on", "progress", "problems"),
    [
        (TODAY, DUE, {1: P.MET, 2: P.NO_CHANGE}, []),
        (TODAY + dt.timedelta(days=1), DUE, {1: P.MET, 2: P.WORSE},
         [("reviewed_on", "A review cannot be dated in the future.")]),
        (TODAY, TODAY, {1: P.MET, 2: P.WORSE},
         [("next_review_on", "The next review falls after this one.")]),
        (TODAY, DUE, {1: P.MET}, [("goal_2", "Judge this goal's progress.")]),
        (TODAY, DUE, {1: P.MET, 2: None}, [("goal_2", "Judge this goal's progress.")]),
        (TODAY, DUE, {1: P.MET, 2: P.MET, 3: P.MET},
         [("goal_3", "This goal is not one the plan is working on.")]),
    ],
)  # fmt: skip
def test_check_review(
    reviewed_on: dt.date,
    next_on: dt.date,
    progress: dict[int, GoalProgress | None],
    problems: list[tuple[str, str]],
) -> None:
    assert (
        check_review(
            reviewed_on=reviewed_on, next_review_on=next_on, today=TODAY,
            goals_in_progress=[1, 2], progress=progress,
        )
        == problems
    )  # fmt: skip
