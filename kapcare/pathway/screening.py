"""Medical screening: contraindications found, and whether a clearance may be recorded.

The contraindications are data (``policy.DEFAULT_CONTRAINDICATIONS``, re-exported
here), each with a stable code, a plain-language message and a source; a practice
may change the catalogue through its ``ScreeningPolicy``.

How each item is decided:

* a **question** item is answered yes / no / unknown on the form; "yes" is a
  finding of its severity;
* ``contraindication.high_dissociation`` is decided by the baseline DES-II total
  (a finding at or above the policy threshold, default 30);
* ``contraindication.unreviewed_suicide_flag`` is decided by whether an open,
  unreviewed suicide-risk flag exists (None: not known, an unknown item);
* ``contraindication.uncontrolled_hypertension`` (basis
  ``QUESTION_AND_BASELINE_BP``) is also a finding when the baseline blood
  pressure is at or above the screening threshold (default 140/90), even if the
  form says "no"; a "no" with no baseline blood pressure recorded is unknown.

What "unknown" means: **not known is not cleared.** An item answered "unknown",
an item left unanswered, a missing DES-II total, and (for hypertension answered
"no") a missing baseline blood pressure are listed in ``unknown``. They are not
findings, and they do not stop a provider from recording "not cleared" or "needs
more information"; but ``cleared`` is refused (``clearance.unknown_items``) until
each one is resolved, whatever the severity of the item. Treating unknown as
"yes" was rejected: for a relative item it would let a written justification
stand in for an answer nobody has.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kapcare.core.violations import Violation
from kapcare.pathway.thresholds import (
    DEFAULT_CONTRAINDICATIONS,
    Basis,
    Contraindication,
    ScreeningPolicy,
    Severity,
)
from kapcare.pathway.vocabulary import Answer, ClearanceStatus

__all__ = [
    "DEFAULT_CONTRAINDICATIONS",
    "BaselineVitals",
    "Basis",
    "Contraindication",
    "Finding",
    "ScreeningEvaluation",
    "Severity",
    "UnknownItem",
    "check_clearance",
    "evaluate_screening",
]

ABSOLUTE_CONTRAINDICATION = "clearance.absolute_contraindication"
JUSTIFICATION_REQUIRED = "clearance.justification_required"
UNKNOWN_ITEMS = "clearance.unknown_items"


@dataclass(frozen=True)
class BaselineVitals:
    """Vital signs taken at screening. Only blood pressure drives a rule today."""

    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    weight_kg: Decimal | None = None


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str  # the contraindication's plain-language message
    detail: str  # why it was found: "Answered yes on the screening form."
    source: str


@dataclass(frozen=True)
class UnknownItem:
    code: str  # the contraindication's code
    message: str  # what must be resolved before clearing


@dataclass(frozen=True)
class ScreeningEvaluation:
    findings: tuple[Finding, ...]
    unknown: tuple[UnknownItem, ...]

    @property
    def absolute(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ABSOLUTE)

    @property
    def relative(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.RELATIVE)


def _finding(item: Contraindication, detail: str) -> Finding:
    return Finding(
        code=item.code,
        severity=item.severity,
        message=item.message,
        detail=detail,
        source=item.source,
    )


def _unknown_answer(item: Contraindication, answer: Answer | None) -> UnknownItem:
    how = "is answered 'unknown'" if answer is Answer.UNKNOWN else "has no answer"
    return UnknownItem(
        code=item.code,
        message=f"'{item.label}' {how} on the screening form; find out before clearing.",
    )


QUESTION_BASES = frozenset({Basis.QUESTION, Basis.QUESTION_AND_BASELINE_BP})


def _baseline_bp(
    item: Contraindication, vitals: BaselineVitals | None, policy: ScreeningPolicy
) -> Finding | UnknownItem | None:
    """The baseline blood pressure's say on a QUESTION_AND_BASELINE_BP item."""
    if vitals is None or vitals.systolic is None or vitals.diastolic is None:
        return UnknownItem(
            code=item.code,
            message="Baseline blood pressure has not been recorded; take it before clearing.",
        )
    if (
        vitals.systolic >= policy.baseline_systolic_at_or_above
        or vitals.diastolic >= policy.baseline_diastolic_at_or_above
    ):
        return _finding(
            item,
            f"Baseline blood pressure {vitals.systolic}/{vitals.diastolic} is at or above "
            f"{policy.baseline_systolic_at_or_above}/{policy.baseline_diastolic_at_or_above}.",
        )
    return None


def evaluate_screening(
    answers: Mapping[str, Answer],
    *,
    des_ii_total: Decimal | int | None,
    unreviewed_suicide_flag: bool | None,
    baseline_vitals: BaselineVitals | None,
    policy: ScreeningPolicy,
) -> ScreeningEvaluation:
    """Findings (absolute / relative) and unknown items of one medical screening.

    ``answers`` maps question items' codes to yes / no / unknown; a question item
    missing from it counts as unknown. A code that is not a question item of the
    policy's catalogue raises ``ValueError``: answers and catalogue disagree, and
    a person must look rather than the rule silently dropping an answer.
    """
    questions = {c.code for c in policy.contraindications if c.basis in QUESTION_BASES}
    stray = sorted(set(answers) - questions)
    if stray:
        raise ValueError(f"Answers for items that are not screening questions: {stray}.")
    normalised = {code: Answer(value) for code, value in answers.items()}
    if des_ii_total is not None and not 0 <= des_ii_total <= 100:
        raise ValueError("A DES-II total is between 0 and 100.")

    findings: list[Finding] = []
    unknown: list[UnknownItem] = []
    for item in policy.contraindications:
        if item.basis is Basis.DES_II:
            if des_ii_total is None:
                unknown.append(
                    UnknownItem(
                        code=item.code,
                        message="The baseline DES-II is not done yet; score it before clearing.",
                    )
                )
            elif des_ii_total >= policy.des_ii_at_or_above:
                findings.append(
                    _finding(
                        item,
                        f"Baseline DES-II total is {des_ii_total}, at or above "
                        f"{policy.des_ii_at_or_above}.",
                    )
                )
            continue
        if item.basis is Basis.RISK_FLAG:
            if unreviewed_suicide_flag is None:
                unknown.append(
                    UnknownItem(
                        code=item.code,
                        message=(
                            "Whether a suicide-risk flag awaits review is not known; "
                            "check the client's safety flags before clearing."
                        ),
                    )
                )
            elif unreviewed_suicide_flag:
                findings.append(_finding(item, "An open suicide-risk flag awaits review."))
            continue

        answer = normalised.get(item.code)
        if answer is Answer.YES:
            findings.append(_finding(item, "Answered yes on the screening form."))
        elif answer is None or answer is Answer.UNKNOWN:
            unknown.append(_unknown_answer(item, answer))

        if item.basis is Basis.QUESTION_AND_BASELINE_BP and answer is not Answer.YES:
            # A "yes" already stands; otherwise the reading can still find it, and
            # a "no" cannot be confirmed without a reading.
            said = _baseline_bp(item, baseline_vitals, policy)
            if isinstance(said, Finding):
                findings.append(said)
            elif isinstance(said, UnknownItem) and answer is Answer.NO:
                unknown.append(said)
    return ScreeningEvaluation(findings=tuple(findings), unknown=tuple(unknown))


def check_clearance(
    evaluation: ScreeningEvaluation,
    status: ClearanceStatus,
    justifications: Mapping[str, str],
) -> list[Violation]:
    """Why a clearance with ``status`` may not be recorded (empty: it may).

    Only ``cleared`` is checked: "not cleared" and "needs more information" are
    always allowed. ``justifications`` maps relative findings' codes to the medical
    provider's written justification; blank text does not count.
    """
    if ClearanceStatus(status) is not ClearanceStatus.CLEARED:
        return []
    violations: list[Violation] = []
    for finding in evaluation.absolute:
        violations.append(
            Violation(
                rule=ABSOLUTE_CONTRAINDICATION,
                message=f"Cannot be cleared: {finding.message} {finding.detail}",
                subject=finding.code,
            )
        )
    for finding in evaluation.relative:
        if not justifications.get(finding.code, "").strip():
            violations.append(
                Violation(
                    rule=JUSTIFICATION_REQUIRED,
                    message=(
                        f"Write why clearing is safe despite this: {finding.message} "
                        f"{finding.detail}"
                    ),
                    subject=finding.code,
                )
            )
    for item in evaluation.unknown:
        violations.append(Violation(rule=UNKNOWN_ITEMS, message=item.message, subject=item.code))
    return violations
