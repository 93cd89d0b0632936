"""The dated closing acts (pure): a diagnosis or problem resolved, an intervention ended,
a consent revoked may be dated from the day the record began to today, once."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.pathway.rules import (
    CONSENT_REVOKED,
    DIAGNOSIS_RESOLVED,
    INTERVENTION_ENDED,
    PROBLEM_RESOLVED,
    DatedAct,
    DatedActRefusal,
    Refusal,
    check_dated_act,
)

TODAY = dt.date(2027, 3, 10)
BEGAN = dt.date(2027, 3, 1)
DAY = dt.timedelta(days=1)
ACTS = (DIAGNOSIS_RESOLVED, PROBLEM_RESOLVED, INTERVENTION_ENDED, CONSENT_REVOKED)

acts = st.sampled_from(ACTS)
dates = st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))


def _check(
    act: DatedAct, on: dt.date, *, started_on: dt.date = BEGAN, done_on: dt.date | None = None
) -> Refusal | None:
    refused = check_dated_act(act, on=on, today=TODAY, started_on=started_on, done_on=done_on)
    return None if refused is None else refused.refusal


# ---------------------------------------------------------------- the boundaries


@pytest.mark.parametrize("act", ACTS, ids=lambda act: act.field + ":" + act.already_done)
@pytest.mark.parametrize(
    ("on", "done_on", "expected"),
    [
        (BEGAN, None, None),  # the day it began
        (TODAY, None, None),  # today
        (BEGAN + 4 * DAY, None, None),  # between
        (BEGAN - DAY, None, Refusal.BEFORE_START),  # the day before it began
        (TODAY + DAY, None, Refusal.IN_THE_FUTURE),  # tomorrow
        (BEGAN, BEGAN, Refusal.ALREADY_DONE),  # closed once already, the same day again
        (TODAY, BEGAN + DAY, Refusal.ALREADY_DONE),
        (BEGAN - DAY, BEGAN, Refusal.ALREADY_DONE),  # closed: that comes before the start
        (TODAY + DAY, BEGAN, Refusal.IN_THE_FUTURE),  # the future comes before everything
    ],
)
def test_each_act_is_dated_from_its_start_to_today_once(
    act: DatedAct, on: dt.date, done_on: dt.date | None, expected: Refusal | None
) -> None:
    assert _check(act, on, done_on=done_on) is expected


def test_a_record_begun_today_may_be_closed_today_and_no_other_day() -> None:
    for act in ACTS:
        assert _check(act, TODAY, started_on=TODAY) is None
        assert _check(act, TODAY - DAY, started_on=TODAY) is Refusal.BEFORE_START
        assert _check(act, TODAY + DAY, started_on=TODAY) is Refusal.IN_THE_FUTURE


# ---------------------------------------------------------------- the words


@pytest.mark.parametrize(
    ("act", "field", "words"),
    [
        (
            DIAGNOSIS_RESOLVED,
            "resolved_on",
            {
                Refusal.IN_THE_FUTURE: "A diagnosis cannot be resolved in the future.",
                Refusal.ALREADY_DONE: "This diagnosis is already resolved.",
                Refusal.BEFORE_START: "A diagnosis is resolved on or after the day it was noted.",
            },
        ),
        (
            PROBLEM_RESOLVED,
            "resolved_on",
            {
                Refusal.IN_THE_FUTURE: "A problem cannot be resolved in the future.",
                Refusal.ALREADY_DONE: "This problem is already resolved.",
                Refusal.BEFORE_START: "A problem is resolved on or after the day it was written.",
            },
        ),
        (
            INTERVENTION_ENDED,
            "ended_on",
            {
                Refusal.IN_THE_FUTURE: "An intervention cannot end in the future.",
                Refusal.ALREADY_DONE: "This intervention has already ended.",
                Refusal.BEFORE_START: "An intervention ends on or after the day it was added.",
            },
        ),
        (
            CONSENT_REVOKED,
            "revoked_on",
            {
                Refusal.IN_THE_FUTURE: "A revocation cannot be dated in the future.",
                Refusal.ALREADY_DONE: "This consent is already revoked.",
                Refusal.BEFORE_START: "A consent cannot be revoked before it was signed.",
            },
        ),
    ],
)
def test_each_refusal_is_shown_beside_the_date_in_the_acts_own_words(
    act: DatedAct, field: str, words: dict[Refusal, str]
) -> None:
    cases: dict[Refusal, tuple[dt.date, dt.date | None]] = {
        Refusal.IN_THE_FUTURE: (TODAY + DAY, None),
        Refusal.ALREADY_DONE: (TODAY, BEGAN),
        Refusal.BEFORE_START: (BEGAN - DAY, None),
    }
    for refusal, (on, done_on) in cases.items():
        refused = check_dated_act(act, on=on, today=TODAY, started_on=BEGAN, done_on=done_on)
        assert refused == DatedActRefusal(refusal=refusal, field=field, message=words[refusal])


# ---------------------------------------------------------------- every date (hypothesis)


@given(act=acts, on=dates, today=dates, started_on=dates, done_on=st.none() | dates)
def test_allowed_exactly_when_open_and_dated_from_its_start_to_today(
    act: DatedAct, on: dt.date, today: dt.date, started_on: dt.date, done_on: dt.date | None
) -> None:
    refused = check_dated_act(act, on=on, today=today, started_on=started_on, done_on=done_on)

    allowed = done_on is None and started_on <= on <= today
    assert (refused is None) is allowed


@given(act=acts, on=dates, today=dates, started_on=dates, done_on=st.none() | dates)
def test_the_first_reason_in_order_is_the_one_given(
    act: DatedAct, on: dt.date, today: dt.date, started_on: dt.date, done_on: dt.date | None
) -> None:
    refused = check_dated_act(act, on=on, today=today, started_on=started_on, done_on=done_on)

    reasons = [
        reason
        for reason, applies in (
            (Refusal.IN_THE_FUTURE, on > today),
            (Refusal.ALREADY_DONE, done_on is not None),
            (Refusal.BEFORE_START, on < started_on),
        )
        if applies
    ]
    if reasons:
        assert refused == DatedActRefusal(
            refusal=reasons[0], field=act.field, message=act.words(reasons[0])
        )
    else:
        assert refused is None


def test_the_four_acts_have_distinct_words() -> None:
    sentences = [act.words(refusal) for act in ACTS for refusal in Refusal]
    assert len(set(sentences)) == len(ACTS) * len(Refusal)
