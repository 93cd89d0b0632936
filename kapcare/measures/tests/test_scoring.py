"""The pure engine: rounding, reversal, answer checks, conditions, reliable change."""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.measures.scoring import (
    Aggregate,
    AllOf,
    AnswerError,
    AnyOf,
    Band,
    BooleanOutcome,
    CategoryOutcome,
    ChangeParameters,
    ConditionRef,
    CountAtLeast,
    EnableWhen,
    FlagRule,
    ItemIs,
    ItemSpec,
    Not,
    ScoreIs,
    ScoringSpec,
    Severity,
    check_answers,
    classify_change,
    compare,
    mean_2dp,
    reliable_change_index,
    reverse_score,
    round_half_up,
    score,
    score_range,
)


def _choice(link_id: str, values: tuple[int, ...] = (0, 1, 2, 3)) -> ItemSpec:
    return ItemSpec(
        link_id=link_id, label=link_id, text=f"Item {link_id}", kind="choice", values=values
    )


THREE = (_choice("1"), _choice("2"), _choice("3"))


# ---------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(2345, 1000), 2.35),  # a half goes up
        (Fraction(2344, 1000), 2.34),
        (Fraction(-2345, 1000), -2.35),  # and away from zero below zero
        (Fraction(1, 8), 0.13),
        (Fraction(1, 3), 0.33),
        (Fraction(2, 3), 0.67),
        (Fraction(7, 6), 1.17),
        (Fraction(0), 0.0),
        (2.675, 2.68),  # the decimal 2.675, not the binary float below it
        (-0.004, 0.0),
    ],
)
def test_round_half_up(value: Fraction | float, expected: float) -> None:
    assert round_half_up(value) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1, 2], 1.5), ([0, 0, 1], 0.33), ([7, 7, 7, 7, 1, 2], 5.17), ([10] * 27 + [20], 10.36)],
)
def test_mean_2dp(values: list[int], expected: float) -> None:
    assert mean_2dp(values) == expected


def test_mean_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="undefined"):
        mean_2dp([])


# ---------------------------------------------------------------- reversal


@pytest.mark.parametrize(("value", "expected"), [(1, 7), (2, 6), (4, 4), (7, 1)])
def test_reverse_on_one_to_seven_is_eight_minus_x(value: int, expected: int) -> None:
    assert reverse_score(value, 1, 7) == expected == 8 - value


@given(
    low=st.integers(-10, 10),
    width=st.integers(0, 20),
    offset=st.integers(0, 20),
)
def test_reversing_twice_is_identity(low: int, width: int, offset: int) -> None:
    high = low + width
    value = low + min(offset, width)
    once = reverse_score(value, low, high)
    assert low <= once <= high
    assert reverse_score(once, low, high) == value


@given(value=st.sampled_from([0.0, 0.5, 1.5, 2.0]))
def test_reversing_decimal_scores_twice_is_identity(value: float) -> None:
    assert reverse_score(reverse_score(value, 0, 2.0), 0, 2.0) == value


# ---------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("left", "op", "right", "expected"),
    [
        (1, ">", 0, True),
        (0, ">", 0, False),
        (2, ">=", 2, True),
        (1, "<", 2, True),
        (2, "<=", 1, False),
        (True, "=", True, True),
        (False, "!=", True, True),
        (None, "=", None, False),  # an unanswered item never matches
        (None, "!=", True, False),
        (True, ">", 0, False),  # yes/no answers are not ordered
    ],
)
def test_compare(left: object, op: str, right: object, expected: bool) -> None:
    assert compare(left, op, right) is expected  # type: ignore[arg-type]


# ---------------------------------------------------------------- answers


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ([0, 1], "answers", "T has 3 items; 2 answers were sent"),
        ([0, 1, 2, 3], "answers", "T has 3 items; 4 answers were sent"),
        ([0, 4, 0], "answers.1", "T item 2 must be one of 0, 1, 2, 3 (got 4)."),
        ([0, -1, 0], "answers.1", "T item 2 must be one of 0, 1, 2, 3 (got -1)."),
        ([0, 1.5, 0], "answers.1", "T item 2 must be one of 0, 1, 2, 3 (got 1.5)."),
        ([0, 0, "2"], "answers.2", 'T item 3 must be a number (got "2").'),
        ([True, 0, 0], "answers.0", "T item 1 must be a number (got true)."),
        ([0, [1], 0], "answers.1", "T item 2 must be a number (got a list)."),
        ([0, {"a": 1}, 0], "answers.1", "T item 2 must be a number (got an object)."),
        ([math.nan, 0, 0], "answers.0", "T item 1 must be a finite number."),
        ([0, None, 0], "answers.1", "T item 2 is required."),
        # The first problem in item order is the one named.
        ([0, None, 9], "answers.1", "T item 2 is required."),
        ([0, 9, None], "answers.1", "T item 2 must be one of 0, 1, 2, 3 (got 9)."),
        ("0,1,2", "answers", "Send the answers as a list, one per item."),
    ],
)
def test_check_answers_names_the_item(answers: object, field: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        check_answers("T", THREE, answers)
    assert caught.value.field == field
    assert caught.value.message.startswith(message)


def test_whole_floats_are_accepted_as_the_score() -> None:
    assert check_answers("T", THREE, [0.0, 1.0, 3]) == (0, 1, 3)


def test_a_long_answer_is_shortened_in_the_message() -> None:
    with pytest.raises(AnswerError) as caught:
        check_answers("T", THREE, [0, "x" * 500, 0])
    assert caught.value.message == 'T item 2 must be a number (got "xxxxxxxxxxxxxxxx...).'


RATING = ItemSpec(link_id="r", label="R", text="Rate", kind="integer", minimum=0, maximum=10)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (11, "T item R must be a whole number from 0 to 10 (got 11)."),
        (-1, "T item R must be a whole number from 0 to 10 (got -1)."),
        (2.5, "T item R must be a whole number from 0 to 10 (got 2.5)."),
    ],
)
def test_integer_items_take_whole_numbers_in_range(value: float, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        check_answers("T", (RATING,), [value])
    assert (caught.value.field, caught.value.message) == ("answers.0", message)


YES = ItemSpec(link_id="1", label="1", text="Yes?", kind="boolean")
FOLLOW_UP = ItemSpec(
    link_id="2",
    label="2",
    text="Now?",
    kind="boolean",
    enable_when=(EnableWhen(question="1", operator="=", answer=True),),
)


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ([1, None], "answers.0", "T item 1 must be true or false (got 1)."),
        ([True, None], "answers.1", "T item 2 is required when item 1 = true."),
        (
            [False, True],
            "answers.1",
            "T item 2 is asked only when item 1 = true; send null for it.",
        ),
        ([None, None], "answers.0", "T item 1 is required."),
    ],
)
def test_conditional_items(answers: list[object], field: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        check_answers("T", (YES, FOLLOW_UP), answers)
    assert (caught.value.field, caught.value.message) == (field, message)


def test_conditional_item_not_asked_is_null() -> None:
    assert check_answers("T", (YES, FOLLOW_UP), [False, None]) == (False, None)
    assert check_answers("T", (YES, FOLLOW_UP), [True, False]) == (True, False)


# ---------------------------------------------------------------- evaluating a spec


SPEC = ScoringSpec(
    code="T",
    items=THREE,
    reverse=frozenset({"3"}),
    total=Aggregate(name="total", method="sum", items=("1", "2", "3")),
    subscales=(Aggregate(name="first_two", method="mean", items=("1", "2")),),
    severity=Severity(
        score="total",
        bands=(Band("low", "Low", 0), Band("mid", "Mid", 4), Band("high", "High", 7)),
    ),
    conditions=(
        ("two_high", CountAtLeast(items=("1", "2", "3"), op=">=", value=2, at_least=2)),
        ("any_max", AnyOf((ItemIs("1", "=", 3), ItemIs("2", "=", 3)))),
    ),
    outcomes=(
        BooleanOutcome("both", AllOf((ConditionRef("two_high"), ConditionRef("any_max")))),
        CategoryOutcome(
            "level",
            cases=(("top", ScoreIs("total", ">=", 7)), ("some", Not(ScoreIs("total", "<", 4)))),
            otherwise="none",
        ),
    ),
    flags=(FlagRule("first_positive", ItemIs("1", ">", 0)),),
)


@pytest.mark.parametrize(
    ("answers", "total", "severity", "mean", "both", "level", "flags"),
    [
        # item 3 is reversed (3 - x): raw answers 0, 0, 3 score 0 + 0 + 0.
        ([0, 0, 3], 0, "low", 0.0, False, "none", []),
        ([0, 0, 0], 3, "low", 0.0, False, "none", []),
        ([1, 0, 0], 4, "mid", 0.5, False, "some", ["first_positive"]),
        ([3, 2, 0], 8, "high", 2.5, True, "top", ["first_positive"]),
        # the count sees the answers as given: items 1 and 3 answered 2 both count,
        # although item 3 scores 1 after reversal.
        ([2, 0, 2], 3, "low", 1.0, False, "none", ["first_positive"]),
    ],
)
def test_score_evaluates_the_spec(
    answers: list[int],
    total: int,
    severity: str,
    mean: float,
    both: bool,
    level: str,
    flags: list[str],
) -> None:
    result = score(SPEC, answers)
    assert result.total == total
    assert result.severity == severity
    assert result.subscales == {"first_two": mean}
    assert result.outcomes == {"both": both, "level": level}
    assert result.flags == flags


def test_score_range() -> None:
    assert score_range(SPEC, "total") == (0, 9)
    assert score_range(SPEC, "first_two") == (0.0, 3.0)


# ---------------------------------------------------------------- reliable change


def test_rci_is_jacobson_truax() -> None:
    # (10 - 20) / (5 * √2 * √(1 - .75)) = -10 / 3.5355...
    assert reliable_change_index(20, 10, sd=5, reliability=0.75) == pytest.approx(-2.8284271)


@pytest.mark.parametrize(
    ("sd", "reliability", "message"),
    [
        (0, 0.8, "standard deviation"),
        (-1, 0.8, "standard deviation"),
        (math.inf, 0.8, "standard deviation"),
        (5, 1.0, "reliability"),
        (5, -0.1, "reliability"),
    ],
)
def test_change_parameters_are_checked(sd: float, reliability: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ChangeParameters(sd=sd, reliability=reliability)


WORSE_UP = ChangeParameters(sd=5, reliability=0.75, higher_is_worse=True, clinical_cutoff=10)


@pytest.mark.parametrize(
    ("pre", "post", "rci", "reliable", "category"),
    [
        (20, 9, -3.11, True, "recovered"),  # reliable, from the clinical range to below it
        (20, 10, -2.83, True, "improved"),  # reliable, still at the cut-off
        (9, 1, -2.26, True, "improved"),  # reliable, but not a case at the start
        (20, 14, -1.70, False, "unchanged"),
        (20, 13, -1.98, True, "improved"),
        (10, 10, 0.0, False, "unchanged"),
        (10, 17, 1.98, True, "deteriorated"),
        (10, 16, 1.70, False, "unchanged"),
    ],
)
def test_classify_change_higher_is_worse(
    pre: int, post: int, rci: float, reliable: bool, category: str
) -> None:
    result = classify_change(pre, post, WORSE_UP)
    assert (result.rci, result.reliable, result.category) == (rci, reliable, category)


def test_classify_change_higher_is_better() -> None:
    better_up = ChangeParameters(sd=1, reliability=0.5, higher_is_worse=False, clinical_cutoff=3)
    assert classify_change(2, 5, better_up).category == "recovered"
    assert classify_change(4, 7, better_up).category == "improved"
    assert classify_change(6, 3, better_up).category == "deteriorated"
    assert classify_change(4, 5, better_up).category == "unchanged"


def test_without_a_cutoff_nobody_recovers() -> None:
    parameters = ChangeParameters(sd=5, reliability=0.75)
    assert classify_change(20, 0, parameters).category == "improved"
