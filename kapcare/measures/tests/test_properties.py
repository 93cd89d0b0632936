"""Properties every built-in instrument keeps, whatever the answers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapcare.measures.definitions import Instrument
from kapcare.measures.registry import builtin_instruments
from kapcare.measures.scoring import (
    Answer,
    AnswerError,
    ItemSpec,
    check_answers,
    score_range,
)
from kapcare.measures.tests.helpers import highest, lowest

CODES = sorted(builtin_instruments())
NUMERIC_CODES = [c for c in CODES if all(i.numeric for i in builtin_instruments()[c].scoring.items)]


def _item_answer(item: ItemSpec) -> st.SearchStrategy[Answer]:
    if item.kind == "choice":
        return st.sampled_from(item.values)
    if item.kind == "integer":
        assert item.minimum is not None
        assert item.maximum is not None
        return st.integers(item.minimum, item.maximum)
    return st.booleans()


@st.composite
def valid_answers(draw: st.DrawFn, instrument: Instrument) -> list[Answer]:
    """Answers the instrument accepts; conditional items answered only when asked."""
    answers: list[Answer] = [draw(_item_answer(item)) for item in instrument.scoring.items]
    by_link = {item.link_id: a for item, a in zip(instrument.scoring.items, answers, strict=True)}
    for index, item in enumerate(instrument.scoring.items):
        if item.enable_when:
            asked = [by_link[c.question] == c.answer for c in item.enable_when]
            enabled = any(asked) if item.enable_behavior == "any" else all(asked)
            if not enabled:
                answers[index] = None
    return answers


def _ranges(instrument: Instrument) -> dict[str, tuple[float, float]]:
    spec = instrument.scoring
    names = ([] if spec.total is None else ["total"]) + [s.name for s in spec.subscales]
    return {name: score_range(spec, name) for name in names}


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_scores_stay_in_range(code: str, data: st.DataObject) -> None:
    instrument = builtin_instruments()[code]
    result = instrument.score(data.draw(valid_answers(instrument)))
    ranges = _ranges(instrument)
    if result.total is not None:
        low, high = ranges["total"]
        assert low <= result.total <= high
    for name, value in result.subscales.items():
        low, high = ranges[name]
        assert low <= value <= high
    severity = instrument.scoring.severity
    if severity is not None:
        assert result.severity in {band.code for band in severity.bands}
    flag_codes = {flag.code for flag in instrument.scoring.flags}
    assert set(result.flags) <= flag_codes


@pytest.mark.parametrize("code", CODES)
def test_answering_all_minimum_gives_minimum_scores(code: str) -> None:
    instrument = builtin_instruments()[code]
    spec = instrument.scoring
    result = instrument.score(lowest(spec.items, spec.reverse))
    ranges = _ranges(instrument)
    if result.total is not None:
        assert result.total == ranges["total"][0]
    assert result.subscales == {name: low for name, (low, _) in ranges.items() if name != "total"}
    if spec.severity is not None:
        assert result.severity == spec.severity.bands[0].code
    assert result.flags == []
    assert all(value in (False, "none", "negative") for value in result.outcomes.values())


@pytest.mark.parametrize("code", CODES)
def test_answering_all_maximum_gives_maximum_scores(code: str) -> None:
    instrument = builtin_instruments()[code]
    spec = instrument.scoring
    result = instrument.score(highest(spec.items, spec.reverse))
    ranges = _ranges(instrument)
    if result.total is not None:
        assert result.total == ranges["total"][1]
    assert result.subscales == {name: high for name, (_, high) in ranges.items() if name != "total"}
    if spec.severity is not None:
        assert result.severity == spec.severity.bands[-1].code


@pytest.mark.parametrize("code", NUMERIC_CODES)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_raising_one_answer_never_lowers_the_total(code: str, data: st.DataObject) -> None:
    instrument = builtin_instruments()[code]
    spec = instrument.scoring
    if spec.total is None or spec.reverse:
        return
    answers = data.draw(valid_answers(instrument))
    index = data.draw(st.integers(0, len(answers) - 1))
    item = spec.items[index]
    current = answers[index]
    assert isinstance(current, int | float)
    assert not isinstance(current, bool)
    higher = [v for v in (item.values or range(int(item.low), int(item.high) + 1)) if v >= current]
    raised = list(answers)
    raised[index] = data.draw(st.sampled_from(higher))
    before, after = instrument.score(answers).total, instrument.score(raised).total
    assert before is not None
    assert after is not None
    assert after >= before


@pytest.mark.parametrize("code", CODES)
@given(extra=st.integers(1, 5), fewer=st.booleans())
def test_any_other_number_of_answers_is_refused(code: str, extra: int, fewer: bool) -> None:
    instrument = builtin_instruments()[code]
    count = max(0, instrument.item_count - extra) if fewer else instrument.item_count + extra
    with pytest.raises(AnswerError) as caught:
        check_answers(code, instrument.scoring.items, [0] * count)
    assert caught.value.field == "answers"


@pytest.mark.parametrize("code", NUMERIC_CODES)
@given(data=st.data(), off=st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6)))
def test_off_scale_answers_are_refused_naming_the_item(
    code: str, data: st.DataObject, off: float
) -> None:
    instrument = builtin_instruments()[code]
    answers = data.draw(valid_answers(instrument))
    index = data.draw(st.integers(0, len(answers) - 1))
    item = instrument.scoring.items[index]
    on_scale = (
        off in item.values
        if item.kind == "choice"
        else float(off).is_integer() and item.low <= off <= item.high
    )
    if on_scale:
        return
    answers[index] = off
    with pytest.raises(AnswerError) as caught:
        instrument.score(answers)
    assert caught.value.field == f"answers.{index}"
    assert caught.value.message.startswith(f"{code} item {item.label} must be")
