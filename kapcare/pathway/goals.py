"""The treatment plan's goals and its review, as pure rules (no Django).

A goal is measurable when it names an instrument, a comparison and a target ("PCL-5
below 33"): at a review its latest total is compared with the target (``goal_met``).
Every review is a signed act that judges each goal still being worked on
(``check_review``) and sets the date of the next one; ``review_due`` says how the plan
stands against that date, for the chart and the home page.

Interpretations (written down because a successor will ask):

* A review judges the goals being worked on when it is signed; a goal already met or
  set aside is not judged again (its status says so).
* "Due" is from ``DUE_SOON`` before the date up to the date itself; after it, overdue.
* The default interval is a setting with its source, not a rule: the clinician chooses
  the next date at every review.
"""

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kapcare.pathway.vocabulary import GOAL_COMPARISON_LABELS, GoalComparison, GoalProgress

__all__ = [
    "DUE_SOON",
    "DUE_SOON_SOURCE",
    "REVIEW_INTERVAL",
    "REVIEW_INTERVAL_SOURCE",
    "ReviewDue",
    "Target",
    "check_review",
    "describe_score",
    "describe_target",
    "goal_met",
    "next_review_default",
    "review_due",
]

REVIEW_INTERVAL = dt.timedelta(days=90)
REVIEW_INTERVAL_SOURCE = (
    "Common payer and state requirement to review an outpatient treatment plan at least "
    "every 90 days (e.g. many Medicaid behavioral-health programs); the clinician sets "
    "each next date"
)
DUE_SOON = dt.timedelta(days=14)
DUE_SOON_SOURCE = "KAP Care engineering default: two weeks' notice before a review falls due"


@dataclass(frozen=True)
class Target:
    """A measurable goal's target: an instrument's total, or one of its subscales
    (``subscale`` in words, e.g. "intrusion (cluster B)"), compared with a value."""

    instrument: str
    comparison: GoalComparison
    value: Decimal
    subscale: str = ""


def describe_score(target: Target) -> str:
    """The score a target is for: ``PCL-5``; ``PCL-5 intrusion (cluster B)``."""
    return f"{target.instrument} {target.subscale}" if target.subscale else target.instrument


def describe_target(target: Target) -> str:
    """``PCL-5 below 33``; ``PCL-5 intrusion (cluster B) below 10`` for a subscale."""
    shown = f"{target.value.normalize():f}"  # 33.00 -> 33, 3.50 -> 3.5
    return f"{describe_score(target)} {GOAL_COMPARISON_LABELS[target.comparison]} {shown}"


def goal_met(target: Target, total: Decimal) -> bool:
    """Whether an instrument's total (or the subscale's score) meets the target."""
    match target.comparison:
        case GoalComparison.BELOW:
            return total < target.value
        case GoalComparison.AT_OR_BELOW:
            return total <= target.value
        case GoalComparison.ABOVE:
            return total > target.value
        case GoalComparison.AT_OR_ABOVE:
            return total >= target.value


class ReviewDue(StrEnum):
    NOT_SET = "not_set"
    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"


def review_due(due_on: dt.date | None, today: dt.date) -> ReviewDue:
    if due_on is None:
        return ReviewDue.NOT_SET
    if today > due_on:
        return ReviewDue.OVERDUE
    if today >= due_on - DUE_SOON:
        return ReviewDue.DUE
    return ReviewDue.NOT_DUE


def next_review_default(reviewed_on: dt.date) -> dt.date:
    return reviewed_on + REVIEW_INTERVAL


def check_review(
    *,
    reviewed_on: dt.date,
    next_review_on: dt.date,
    today: dt.date,
    goals_in_progress: Collection[int],
    progress: Mapping[int, GoalProgress | None],
) -> list[tuple[str, str]]:
    """Why this review cannot be signed, as ``(field, message)`` (empty: it can).

    ``progress`` maps each goal id judged to its progress (None: left blank); every goal
    in progress must be judged, and nothing else.
    """
    problems: list[tuple[str, str]] = []
    if reviewed_on > today:
        problems.append(("reviewed_on", "A review cannot be dated in the future."))
    if next_review_on <= reviewed_on:
        problems.append(("next_review_on", "The next review falls after this one."))
    for goal_id in sorted(set(progress) - set(goals_in_progress)):
        problems.append((f"goal_{goal_id}", "This goal is not one the plan is working on."))
    for goal_id in sorted(goals_in_progress):
        if progress.get(goal_id) is None:
            problems.append((f"goal_{goal_id}", "Judge this goal's progress."))
    return problems
