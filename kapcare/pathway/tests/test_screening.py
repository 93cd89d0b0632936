"""Medical screening: findings for each contraindication, unknowns, and clearance."""

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.core.violations import Violation
from kapcare.pathway.screening import (
    BaselineVitals,
    ScreeningEvaluation,
    UnknownItem,
    check_clearance,
    evaluate_screening,
)
from kapcare.pathway.thresholds import (
    DEFAULT_CONTRAINDICATIONS,
    Basis,
    Contraindication,
    ScreeningPolicy,
    Severity,
)
from kapcare.pathway.vocabulary import Answer, ClearanceStatus

POLICY = ScreeningPolicy()
QUESTIONS = tuple(
    c
    for c in DEFAULT_CONTRAINDICATIONS
    if c.basis in (Basis.QUESTION, Basis.QUESTION_AND_BASELINE_BP)
)
NORMAL_BP = BaselineVitals(
    systolic=118, diastolic=76, heart_rate=70, spo2=98, weight_kg=Decimal(70)
)


def all_no() -> dict[str, Answer]:
    return {c.code: Answer.NO for c in QUESTIONS}


def evaluate(
    answers: dict[str, Answer] | None = None,
    *,
    des_ii_total: Decimal | int | None = 12,
    unreviewed_suicide_flag: bool = False,
    baseline_vitals: BaselineVitals | None = NORMAL_BP,
) -> ScreeningEvaluation:
    return evaluate_screening(
        all_no() if answers is None else answers,
        des_ii_total=des_ii_total,
        unreviewed_suicide_flag=unreviewed_suicide_flag,
        baseline_vitals=baseline_vitals,
        policy=POLICY,
    )


def rules(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.rule, v.subject) for v in violations]


def test_clean_screening_has_no_findings_and_may_be_cleared() -> None:
    evaluation = evaluate()

    assert evaluation == ScreeningEvaluation(findings=(), unknown=())
    assert check_clearance(evaluation, ClearanceStatus.CLEARED, {}) == []


def test_every_question_item_is_asked() -> None:
    assert len(QUESTIONS) == 11


@pytest.mark.parametrize("item", QUESTIONS, ids=lambda c: c.code)
def test_yes_is_a_finding_of_the_items_severity(item: Contraindication) -> None:
    evaluation = evaluate(all_no() | {item.code: Answer.YES})

    assert [(f.code, f.severity) for f in evaluation.findings] == [(item.code, item.severity)]
    assert evaluation.findings[0].message == item.message
    assert evaluation.findings[0].detail == "Answered yes on the screening form."
    assert evaluation.findings[0].source == item.source
    assert evaluation.unknown == ()


@pytest.mark.parametrize(
    "item", [c for c in QUESTIONS if c.severity is Severity.ABSOLUTE], ids=lambda c: c.code
)
def test_absolute_finding_refuses_cleared_even_with_a_justification(
    item: Contraindication,
) -> None:
    evaluation = evaluate(all_no() | {item.code: Answer.YES})

    violations = check_clearance(evaluation, ClearanceStatus.CLEARED, {item.code: "Reviewed."})

    assert rules(violations) == [("clearance.absolute_contraindication", item.code)]
    assert violations[0].message.startswith("Cannot be cleared: ")


@pytest.mark.parametrize(
    "item", [c for c in QUESTIONS if c.severity is Severity.RELATIVE], ids=lambda c: c.code
)
def test_relative_finding_needs_a_written_justification(item: Contraindication) -> None:
    evaluation = evaluate(all_no() | {item.code: Answer.YES})

    assert rules(check_clearance(evaluation, ClearanceStatus.CLEARED, {})) == [
        ("clearance.justification_required", item.code)
    ]
    assert rules(check_clearance(evaluation, ClearanceStatus.CLEARED, {item.code: "  \n"})) == [
        ("clearance.justification_required", item.code)
    ]
    assert (
        check_clearance(evaluation, ClearanceStatus.CLEARED, {item.code: "Stable on meds."}) == []
    )


@pytest.mark.parametrize("item", QUESTIONS, ids=lambda c: c.code)
@pytest.mark.parametrize("answers_for", ["unknown", "missing"])
def test_unknown_or_missing_answer_must_be_resolved_before_clearing(
    item: Contraindication, answers_for: str
) -> None:
    answers = all_no()
    if answers_for == "unknown":
        answers[item.code] = Answer.UNKNOWN
    else:
        del answers[item.code]

    evaluation = evaluate(answers)

    assert evaluation.findings == ()
    assert [u.code for u in evaluation.unknown] == [item.code]
    how = "is answered 'unknown'" if answers_for == "unknown" else "has no answer"
    assert evaluation.unknown[0].message == (
        f"'{item.label}' {how} on the screening form; find out before clearing."
    )
    assert rules(check_clearance(evaluation, ClearanceStatus.CLEARED, {item.code: "x"})) == [
        ("clearance.unknown_items", item.code)
    ]


@pytest.mark.parametrize("status", [ClearanceStatus.NOT_CLEARED, ClearanceStatus.NEEDS_INFORMATION])
def test_not_cleared_and_needs_more_information_are_always_allowed(status: ClearanceStatus) -> None:
    evaluation = evaluate(
        {c.code: Answer.YES for c in QUESTIONS[:3]} | {QUESTIONS[3].code: Answer.UNKNOWN},
        des_ii_total=None,
        unreviewed_suicide_flag=True,
    )

    assert check_clearance(evaluation, status, {}) == []


@pytest.mark.parametrize(
    ("des_ii_total", "found"),
    [
        (0, False),
        (29, False),
        (Decimal("29.9"), False),
        (30, True),
        (Decimal("30.0"), True),
        (Decimal("30.1"), True),
        (100, True),
    ],
)
def test_high_baseline_dissociation_at_and_around_30(
    des_ii_total: Decimal | int, found: bool
) -> None:
    evaluation = evaluate(des_ii_total=des_ii_total)

    codes = [(f.code, f.severity) for f in evaluation.findings]
    assert codes == ([("contraindication.high_dissociation", Severity.RELATIVE)] if found else [])
    assert evaluation.unknown == ()


def test_missing_des_ii_is_unknown() -> None:
    evaluation = evaluate(des_ii_total=None)

    assert evaluation.findings == ()
    assert evaluation.unknown == (
        UnknownItem(
            code="contraindication.high_dissociation",
            message="The baseline DES-II is not done yet; score it before clearing.",
        ),
    )


@pytest.mark.parametrize("des_ii_total", [-1, Decimal("100.1")])
def test_impossible_des_ii_total_is_a_programming_error(des_ii_total: Decimal | int) -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        evaluate(des_ii_total=des_ii_total)


def test_unreviewed_suicide_flag_is_a_relative_finding() -> None:
    evaluation = evaluate(unreviewed_suicide_flag=True)

    assert [(f.code, f.severity) for f in evaluation.findings] == [
        ("contraindication.unreviewed_suicide_flag", Severity.RELATIVE)
    ]
    assert rules(check_clearance(evaluation, ClearanceStatus.CLEARED, {})) == [
        ("clearance.justification_required", "contraindication.unreviewed_suicide_flag")
    ]


HYPERTENSION = "contraindication.uncontrolled_hypertension"


@pytest.mark.parametrize(
    ("answer", "systolic", "diastolic", "found", "unknown"),
    [
        (Answer.NO, 139, 89, False, False),
        (Answer.NO, 140, 70, True, False),
        (Answer.NO, 120, 90, True, False),
        (Answer.NO, 139, 90, True, False),
        (Answer.NO, None, None, False, True),
        (Answer.NO, 150, None, False, True),
        (Answer.UNKNOWN, 150, 95, True, True),
        (Answer.UNKNOWN, None, None, False, True),
        (Answer.YES, None, None, True, False),
        (Answer.YES, 120, 80, True, False),
    ],
)
def test_uncontrolled_hypertension_from_answer_and_baseline_blood_pressure(
    answer: Answer, systolic: int | None, diastolic: int | None, found: bool, unknown: bool
) -> None:
    evaluation = evaluate(
        all_no() | {HYPERTENSION: answer},
        baseline_vitals=BaselineVitals(systolic=systolic, diastolic=diastolic),
    )

    assert [f.code for f in evaluation.findings] == ([HYPERTENSION] if found else [])
    assert [u.code for u in evaluation.unknown] == ([HYPERTENSION] if unknown else [])


def test_elevated_baseline_blood_pressure_says_why() -> None:
    evaluation = evaluate(baseline_vitals=BaselineVitals(systolic=146, diastolic=88))

    assert evaluation.findings[0].detail == (
        "Baseline blood pressure 146/88 is at or above 140/90."
    )


def test_no_baseline_vitals_at_all_is_unknown_for_hypertension_answered_no() -> None:
    evaluation = evaluate(baseline_vitals=None)

    assert evaluation.unknown == (
        UnknownItem(
            code=HYPERTENSION,
            message="Baseline blood pressure has not been recorded; take it before clearing.",
        ),
    )


def test_answers_must_be_items_of_the_catalogue() -> None:
    with pytest.raises(ValueError, match="not screening questions"):
        evaluate(all_no() | {"contraindication.high_dissociation": Answer.NO})
    with pytest.raises(ValueError, match="not screening questions"):
        evaluate(all_no() | {"contraindication.typo": Answer.NO})


def test_answers_may_arrive_as_their_string_values_but_not_as_anything_else() -> None:
    # (as the service layer may pass what it read from storage)
    answers: dict[str, Any] = {code: "no" for code in all_no()} | {"contraindication.mania": "yes"}
    typo: dict[str, Any] = all_no() | {"contraindication.mania": "maybe"}

    evaluation = evaluate(answers)

    assert [f.code for f in evaluation.findings] == ["contraindication.mania"]
    with pytest.raises(ValueError, match="is not a valid Answer"):
        evaluate(typo)


def test_clearance_lists_every_reason_in_order() -> None:
    # given an absolute finding, two relative findings (one justified) and two unknowns
    answers = all_no() | {
        "contraindication.pregnancy": Answer.YES,
        "contraindication.cystitis": Answer.YES,
        "contraindication.hepatic_impairment": Answer.YES,
        "contraindication.mania": Answer.UNKNOWN,
    }
    evaluation = evaluate(answers, des_ii_total=None)

    # when the medical provider tries to clear
    violations = check_clearance(
        evaluation, ClearanceStatus.CLEARED, {"contraindication.cystitis": "Urology reviewed."}
    )

    # then every reason is listed
    assert rules(violations) == [
        ("clearance.absolute_contraindication", "contraindication.pregnancy"),
        ("clearance.justification_required", "contraindication.hepatic_impairment"),
        ("clearance.unknown_items", "contraindication.mania"),
        ("clearance.unknown_items", "contraindication.high_dissociation"),
    ]


def test_a_practice_may_change_the_catalogue() -> None:
    # given a practice that treats breastfeeding as absolute
    breastfeeding = Contraindication(
        code="contraindication.breastfeeding",
        severity=Severity.ABSOLUTE,
        label="Breastfeeding",
        message="Breastfeeding.",
        source="Practice policy",
    )
    policy = ScreeningPolicy(contraindications=(*DEFAULT_CONTRAINDICATIONS, breastfeeding))

    evaluation = evaluate_screening(
        all_no() | {breastfeeding.code: Answer.YES},
        des_ii_total=0,
        unreviewed_suicide_flag=False,
        baseline_vitals=NORMAL_BP,
        policy=policy,
    )

    assert [f.code for f in evaluation.absolute] == ["contraindication.breastfeeding"]


answers_strategy = st.fixed_dictionaries(
    {}, optional={c.code: st.sampled_from(Answer) for c in QUESTIONS}
)


@given(
    answers=answers_strategy,
    des_ii_total=st.none() | st.integers(min_value=0, max_value=100),
    flag=st.booleans(),
    systolic=st.none() | st.integers(min_value=80, max_value=200),
    diastolic=st.none() | st.integers(min_value=40, max_value=120),
    justify=st.sets(st.sampled_from([c.code for c in DEFAULT_CONTRAINDICATIONS])),
)
def test_cleared_is_allowed_exactly_when_nothing_stands(
    answers: dict[str, Answer],
    des_ii_total: int | None,
    flag: bool,
    systolic: int | None,
    diastolic: int | None,
    justify: set[str],
) -> None:
    evaluation = evaluate(
        answers,
        des_ii_total=des_ii_total,
        unreviewed_suicide_flag=flag,
        baseline_vitals=BaselineVitals(systolic=systolic, diastolic=diastolic),
    )
    justifications = {code: "Reviewed with the client." for code in justify}

    violations = check_clearance(evaluation, ClearanceStatus.CLEARED, justifications)

    nothing_stands = (
        not evaluation.absolute
        and not evaluation.unknown
        and all(f.code in justify for f in evaluation.relative)
    )
    assert (violations == []) is nothing_stands
    # an absolute "yes" is never cleared, whatever else is true
    if any(answers.get(c.code) is Answer.YES for c in QUESTIONS if c.severity is Severity.ABSOLUTE):
        assert "clearance.absolute_contraindication" in {v.rule for v in violations}
    # unknown never disappears: an unknown or missing answer always blocks
    if any(answers.get(c.code, Answer.UNKNOWN) is Answer.UNKNOWN for c in QUESTIONS):
        assert "clearance.unknown_items" in {v.rule for v in violations}
