"""The pure parts of measures in care: risk flags, due dates, tokens, forms, charts."""

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapcare.measures import safety, schedule, tokens
from kapcare.measures.charts import HEIGHT, WIDTH, chart_for
from kapcare.measures.progress import Result, build_series
from kapcare.measures.questionnaire import answered, build_form, read_answers
from kapcare.measures.registry import builtin_instruments, get_instrument
from kapcare.measures.tests.care import form_answers
from kapcare.measures.tests.test_properties import valid_answers

UTC = dt.UTC
D = dt.date


# ---------------------------------------------------------------- which flags reach the chart


@pytest.mark.parametrize(
    ("flags", "ahead", "raised"),
    [
        ([], False, []),
        ([], True, []),
        (["suicidality"], False, ["suicidality"]),
        (["suicide_risk"], False, ["suicide_risk"]),
        (["high_dissociation"], False, []),
        (["high_dissociation"], True, ["high_dissociation"]),
        (["suicide_risk", "suicidality"], False, ["suicidality", "suicide_risk"]),
        (["suicidality", "high_dissociation", "other"], True, ["suicidality", "high_dissociation"]),
        (["probable_ptsd"], True, []),
    ],
)
def test_risk_flags_to_raise(flags: list[str], ahead: bool, raised: list[str]) -> None:
    assert safety.risk_flags_to_raise(flags, medicine_session_ahead=ahead) == raised


@given(
    st.lists(st.sampled_from(["suicidality", "suicide_risk", "high_dissociation", "x"])),
    st.booleans(),
)
def test_risk_flags_are_a_subset_without_repeats(flags: list[str], ahead: bool) -> None:
    raised = safety.risk_flags_to_raise(flags, medicine_session_ahead=ahead)
    assert set(raised) <= set(flags)
    assert len(raised) == len(set(raised))
    assert ("high_dissociation" in raised) == (ahead and "high_dissociation" in flags)
    for code in ("suicidality", "suicide_risk"):
        assert (code in raised) == (code in flags)


# ---------------------------------------------------------------- due dates


def test_once_is_met_by_any_response_after_assignment() -> None:
    due = schedule.occurrences(
        "once", assigned_on=D(2026, 3, 1), first_due=D(2026, 3, 8), today=D(2026, 3, 10)
    )
    assert due == [schedule.Occurrence(on=D(2026, 3, 8), done=False, overdue=True)]
    met = schedule.occurrences(
        "once",
        assigned_on=D(2026, 3, 1),
        first_due=D(2026, 3, 8),
        today=D(2026, 3, 10),
        completed=[D(2026, 2, 20), D(2026, 3, 9)],
    )
    assert met == [schedule.Occurrence(on=D(2026, 3, 8), done=True, overdue=False)]


def test_before_medicine_needs_a_response_in_the_week_before_each_session() -> None:
    found = schedule.occurrences(
        "before_medicine",
        assigned_on=D(2026, 3, 1),
        first_due=D(2026, 3, 1),
        today=D(2026, 3, 20),
        medicine_dates=[D(2026, 2, 20), D(2026, 3, 10), D(2026, 3, 17), D(2026, 3, 24)],
        completed=[D(2026, 3, 2), D(2026, 3, 11), D(2026, 3, 23)],
    )
    # 2 Mar is 8 days before 10 Mar: too early; 11 Mar is after it: too late for it
    # but inside 17 Mar's week; 23 Mar meets 24 Mar. 20 Feb is before the assignment.
    assert [(o.on, o.done, o.overdue) for o in found] == [
        (D(2026, 3, 10), False, True),
        (D(2026, 3, 17), True, False),
        (D(2026, 3, 24), True, False),
    ]
    assert schedule.next_due(found) == found[0]


def test_integration_window_is_two_days_either_side() -> None:
    found = schedule.occurrences(
        "each_integration",
        assigned_on=D(2026, 3, 1),
        first_due=D(2026, 3, 1),
        today=D(2026, 3, 1),
        integration_dates=[D(2026, 3, 12), D(2026, 3, 20)],
        completed=[D(2026, 3, 14), D(2026, 3, 23)],
    )
    assert [o.done for o in found] == [True, False]


def test_monthly_occurrences_run_to_a_month_ahead_and_end_with_the_assignment() -> None:
    found = schedule.occurrences(
        "monthly",
        assigned_on=D(2026, 1, 31),
        first_due=D(2026, 1, 31),
        today=D(2026, 4, 15),
        completed=[D(2026, 1, 31), D(2026, 3, 25)],
    )
    assert [(o.on, o.done) for o in found] == [
        (D(2026, 1, 31), True),
        (D(2026, 2, 28), False),
        (D(2026, 3, 31), True),  # 25 Mar is within the week before
        (D(2026, 4, 30), False),
    ]
    ended = schedule.occurrences(
        "monthly",
        assigned_on=D(2026, 1, 31),
        first_due=D(2026, 1, 31),
        today=D(2026, 4, 15),
        ended_on=D(2026, 3, 1),
    )
    assert [o.on for o in ended] == [D(2026, 1, 31), D(2026, 2, 28)]


@given(
    kind=st.sampled_from(["once", "before_medicine", "each_integration", "monthly"]),
    start=st.dates(D(2025, 1, 1), D(2027, 1, 1)),
    sessions=st.lists(st.dates(D(2025, 1, 1), D(2027, 6, 1)), max_size=12),
    completed=st.lists(st.dates(D(2025, 1, 1), D(2027, 6, 1)), max_size=12),
    today=st.dates(D(2025, 1, 1), D(2027, 6, 1)),
)
def test_each_response_meets_at_most_one_occurrence(
    kind: schedule.ScheduleKind,
    start: dt.date,
    sessions: list[dt.date],
    completed: list[dt.date],
    today: dt.date,
) -> None:
    found = schedule.occurrences(
        kind,
        assigned_on=start,
        first_due=start,
        today=today,
        medicine_dates=sessions,
        integration_dates=sessions,
        completed=completed,
    )
    usable = [d for d in completed if d >= start]
    assert sum(o.done for o in found) <= len(usable)
    assert [o.on for o in found] == sorted(o.on for o in found)
    for o in found:
        assert not (o.done and o.overdue)
        assert o.overdue == (not o.done and o.on < today)


@given(st.dates(D(2000, 1, 1), D(2099, 12, 31)), st.integers(0, 120))
def test_add_months_keeps_the_day_or_the_months_end(day: dt.date, months: int) -> None:
    later = schedule.add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day == day.day or later.day < day.day


# ---------------------------------------------------------------- tokens


def test_a_token_answers_to_its_digest_and_nothing_else_does(settings: object) -> None:
    token, digest = tokens.make_token()
    assert tokens.digest_of(token) == digest
    assert len(digest) == 64
    secret, signature = token.split(".")
    assert digest not in token
    assert tokens.digest_of(secret) is None
    assert (
        tokens.digest_of(secret + "." + signature[:-1] + ("A" if signature[-1] != "A" else "B"))
        is None
    )
    assert tokens.digest_of("") is None
    assert tokens.digest_of("é" * 10) is None
    assert tokens.digest_of("x" * 500) is None
    assert tokens.make_token()[0] != token


# ---------------------------------------------------------------- the form


def test_asq_question_5_is_ignored_unless_a_yes_came_before() -> None:
    asq = get_instrument("ASQ")
    form = build_form(asq)
    assert form.questions[4].condition == (
        "Answer this only if you answered yes to questions 1, 2, 3 or 4."
    )
    answers = read_answers(asq, form, {**form_answers([False] * 4), "q4": "yes"})
    assert answers == [False, False, False, False, None]
    form = build_form(asq)
    assert read_answers(asq, form, form_answers([False, True, False, False])) is None
    assert [(q.name, q.error) for q in form.errors] == [("q4", "Choose an answer.")]
    form = build_form(asq)
    assert read_answers(asq, form, form_answers([False, True, False, False, True])) == [
        False,
        True,
        False,
        False,
        True,
    ]


def test_unknown_and_missing_answers_are_marked_on_their_questions() -> None:
    phq = get_instrument("PHQ-9")
    form = build_form(phq)
    data = {**form_answers([0] * 9), "q2": "7"}
    del data["q5"]
    assert read_answers(phq, form, data) is None
    assert [(q.name, q.error) for q in form.errors] == [
        ("q2", "Choose one of the answers shown."),
        ("q5", "Choose an answer."),
    ]
    assert form.questions[2].selected == ""
    assert form.questions[0].options[3].label == "Nearly every day"


@pytest.mark.parametrize("code", sorted(builtin_instruments()))
def test_every_builtin_instrument_makes_a_form_that_reads_back(code: str) -> None:
    instrument = get_instrument(code)
    form = build_form(instrument)
    first = {q.name: q.options[0].value for q in form.questions}
    answers = read_answers(instrument, form, first)
    assert answers is not None, [q.error for q in form.errors]
    assert len(answers) == instrument.item_count
    instrument.score(answers)  # the engine accepts what the form reads


# ---------------------------------------------------------------- series and charts


def _result(day: int, total: float, response_id: int = 0) -> Result:
    return Result(
        response_id=response_id or day,
        at=dt.datetime(2026, 3, day, 15, tzinfo=UTC),
        total=total,
        severity=None,
        subscales={},
        outcomes={},
        flags=[],
    )


def test_change_from_baseline_is_labelled_by_jacobson_and_truax() -> None:
    phq = get_instrument("PHQ-9")
    series = build_series(phq, [_result(20, 8), _result(1, 18), _result(10, 12)])
    assert [r.total for r in series.results] == [18, 12, 8]
    assert series.change is not None
    assert series.change.category == "recovered"  # 18 → 8: reliable, out of ≥ 10
    categories = {
        (pre, post): build_series(phq, [_result(1, pre), _result(2, post)]).change
        for pre, post in ((20, 14), (14, 20), (14, 9))
    }
    # 6 points is reliable (NHS Talking Therapies); 20 → 14 stays in the clinical range.
    assert {k: c.category if c else None for k, c in categories.items()} == {
        (20, 14): "improved",
        (14, 20): "deteriorated",
        (14, 9): "unchanged",
    }
    lone = build_series(phq, [_result(1, 14)])
    assert lone.change is None
    assert lone.change_note == "Reliable change needs a baseline and at least one later result."
    assert [b.code for b in lone.bands] == [
        "minimal",
        "mild",
        "moderate",
        "moderately_severe",
        "severe",
    ]
    assert (lone.bands[0].low, lone.bands[0].high, lone.bands[-1].high) == (0, 5, 27)


def test_instruments_without_a_total_plot_their_subscales() -> None:
    ecr = get_instrument("ECR-RS")
    result = Result(
        1,
        dt.datetime(2026, 3, 1, tzinfo=UTC),
        None,
        None,
        {"avoidance": 3.5, "anxiety": 2.0},
        {},
        [],
    )
    series = build_series(ecr, [result])
    assert [line.name for line in series.lines] == ["avoidance", "anxiety"]
    assert (series.low, series.high) == (1, 7)
    assert series.change is None
    assert series.change_note


@given(
    st.lists(
        st.tuples(st.integers(1, 28), st.integers(0, 27)),
        min_size=1,
        max_size=20,
        unique_by=lambda t: t[0],
    ),
    st.lists(st.integers(1, 28), max_size=5),
)
def test_chart_geometry_stays_inside_the_plot(
    points: list[tuple[int, int]], sessions: list[int]
) -> None:
    series = build_series(get_instrument("PHQ-9"), [_result(d, v) for d, v in points])
    chart = chart_for(
        series,
        medicine_sessions=[dt.datetime(2026, 3, d, 10, tzinfo=UTC) for d in sessions],
        zone=UTC,
    )
    dots = [d for line in chart.lines for d in line.dots]
    assert len(dots) == len(points)
    for d in dots:
        assert chart.left <= d.x <= chart.right <= WIDTH
        assert chart.top <= d.y <= chart.bottom <= HEIGHT
    for m in chart.markers:
        assert chart.left <= m.x <= chart.right
    assert sum(b.height for b in chart.bands) == pytest.approx(chart.plot_height, abs=0.5)
    # Higher scores are drawn higher up.
    by_value = sorted(dots, key=lambda d: d.value)
    assert all(a.y >= b.y for a, b in itertools.pairwise(by_value))


@pytest.mark.parametrize("code", sorted(builtin_instruments()))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_valid_answers_survive_the_form_round_trip(code: str, data: st.DataObject) -> None:
    # What a person ticks on the form is exactly what the engine then scores.
    instrument = get_instrument(code)
    answers = data.draw(valid_answers(instrument))
    form = build_form(instrument)
    assert read_answers(instrument, form, form_answers(answers)) == answers


def test_a_wide_integer_scale_is_a_number_field() -> None:
    # A practice's own instrument with a 0-100 rating (too many values for radios).
    import copy
    import json
    from pathlib import Path

    from kapcare.measures.definitions import parse_instrument

    document = json.loads(
        (Path(__file__).parent / "data" / "session-check.json").read_text(encoding="utf-8")
    )
    document = copy.deepcopy(document)
    document["questionnaire"]["item"].append(
        {
            "linkId": "6",
            "prefix": "6",
            "type": "integer",
            "required": True,
            "text": "How calm do you feel, from 0 to 100?",
            "extension": [
                {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 100},
            ],
        }
    )
    instrument = parse_instrument(document)
    form = build_form(instrument)
    rating = form.questions[-1]
    assert (rating.options, rating.minimum, rating.maximum) == ((), 0, 100)
    base = {q.name: q.options[0].value for q in form.questions if q.options}

    assert read_answers(instrument, form, {**base, rating.name: "57"})[-1] == 57  # type: ignore[index]
    for wrong in ("101", "5.5", "-1", "a lot"):
        form = build_form(instrument)
        assert read_answers(instrument, form, {**base, form.questions[-1].name: wrong}) is None
        assert form.questions[-1].error == "Enter a whole number from 0 to 100."


def test_answers_read_back_in_words_for_the_flag_reviewer() -> None:
    rows = answered(get_instrument("ASQ"), [True, False, False, False, None])
    assert [r.answer for r in rows] == ["Yes", "No", "No", "No", "Not asked"]
    assert rows[0].text == "In the past few weeks, have you wished you were dead?"
    phq = answered(get_instrument("PHQ-9"), [0, 1, 2, 3, 0, 0, 0, 0, 2])
    assert [r.answer for r in phq][:4] == [
        "Not at all", "Several days", "More than half the days", "Nearly every day",
    ]  # fmt: skip
