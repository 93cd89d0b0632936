"""Recorded times (pure): never in the future, never long before the session; and an
unknown suicide-risk flag is an unknown screening item."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.medicine.rules import check_record_time
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.pathway.screening import check_clearance, evaluate_screening
from kapcare.pathway.thresholds import ScreeningPolicy
from kapcare.pathway.vocabulary import Answer
from kapcare.pathway.vocabulary import ClearanceStatus as Status

POLICY = SessionPolicy()
START = dt.datetime(2026, 5, 1, 14, 0, tzinfo=dt.UTC)
NOW = START + dt.timedelta(hours=2)
SECOND = dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("at", "rules"),
    [
        (NOW, []),
        (NOW + SECOND, ["observation.time_in_future"]),
        (START - dt.timedelta(hours=3), []),
        (START - dt.timedelta(hours=3) - SECOND, ["observation.time_before_session"]),
    ],
)
def test_recorded_time_at_its_limits(at: dt.datetime, rules: list[str]) -> None:
    found = check_record_time(at, now=NOW, session_start=START, prefix="observation", policy=POLICY)

    assert [v.rule for v in found] == rules


def test_the_future_can_be_left_to_another_rule() -> None:
    found = check_record_time(
        NOW + dt.timedelta(hours=1), now=NOW, session_start=START, prefix="vitals",
        policy=POLICY, future=False,
    )  # fmt: skip

    assert found == []


@given(st.integers(min_value=-10 * 3600, max_value=10 * 3600))
def test_a_time_is_refused_exactly_when_outside_the_window(offset: int) -> None:
    at = NOW + dt.timedelta(seconds=offset)

    rules = {
        v.rule
        for v in check_record_time(at, now=NOW, session_start=START, prefix="x", policy=POLICY)
    }

    assert ("x.time_in_future" in rules) == (at > NOW)
    assert ("x.time_before_session" in rules) == (at < START - POLICY.earliest_before_start)


def test_a_naive_time_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_record_time(
            dt.datetime(2026, 5, 1, 14, 0), now=NOW, session_start=START, prefix="x",  # noqa: DTZ001
            policy=POLICY,
        )  # fmt: skip


def test_an_unknown_suicide_flag_blocks_clearing_as_an_unknown_item() -> None:
    policy = ScreeningPolicy()
    answers = {
        c.code: Answer.NO for c in policy.contraindications if c.basis.value.startswith("question")
    }

    evaluation = evaluate_screening(
        answers,
        des_ii_total=10,
        unreviewed_suicide_flag=None,
        baseline_vitals=None,
        policy=policy,
    )

    assert [u.code for u in evaluation.unknown] == [
        "contraindication.uncontrolled_hypertension",
        "contraindication.unreviewed_suicide_flag",
    ]
    assert evaluation.findings == ()
    assert [v.rule for v in check_clearance(evaluation, Status.CLEARED, {})] == [
        "clearance.unknown_items",
        "clearance.unknown_items",
    ]
