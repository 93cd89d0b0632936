"""CPT codes for a psychotherapy session, proposed from its kind and held minutes.

Pure Python, no Django: the session note proposes codes with it, and superbills (issue
13) reuse it. The codes (AMA CPT; CLINICAL.md "Billing codes"):

* **90791** psychiatric diagnostic evaluation (the intake assessment); not timed.
* **90832 / 90834 / 90837** psychotherapy, 30 / 45 / 60 minutes, chosen by the time
  actually spent with the client: 16-37, 38-52 and 53 minutes or more. Under 16
  minutes no psychotherapy code is reported.
* **+90785** interactive complexity, an add-on to 90791 and to 90832/90834/90837 only.

Interpretations (each one a choice a practice may question; the clinician can change
the codes with a reason, see :func:`check_codes`):

1. The intake assessment (a consultation appointment) is 90791 whatever its length.
2. Preparation, integration and therapy sessions are psychotherapy, coded by minutes.
3. A medicine session's psychotherapy is *not* coded here: CPT 0820T describes
   "continuous in-person monitoring and intervention (e.g. psychotherapy ...)", so
   psychotherapy during the medicine session is inside 0820T-0822T, which the medicine
   record computes (``kapcare.medicine.billing``). Proposing 90837 as well would bill
   the same time twice.
4. One unit per code: these codes are per session, not per hour.
5. Crisis codes (90839/+90840) are never proposed: a crisis is the clinician's call;
   they may be chosen by hand, with a reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ADD_ON_BASES",
    "CODE_LABELS",
    "CptLine",
    "CptProposal",
    "SessionKind",
    "check_codes",
    "propose_cpt",
    "psychotherapy_code",
]

DIAGNOSTIC_EVALUATION = "90791"
PSYCHOTHERAPY_30 = "90832"
PSYCHOTHERAPY_45 = "90834"
PSYCHOTHERAPY_60 = "90837"
CRISIS_FIRST_60 = "90839"
CRISIS_EACH_30 = "90840"
INTERACTIVE_COMPLEXITY = "90785"

CODE_LABELS: dict[str, str] = {
    DIAGNOSTIC_EVALUATION: "Psychiatric diagnostic evaluation",
    PSYCHOTHERAPY_30: "Psychotherapy, 30 minutes (16-37)",
    PSYCHOTHERAPY_45: "Psychotherapy, 45 minutes (38-52)",
    PSYCHOTHERAPY_60: "Psychotherapy, 60 minutes (53 or more)",
    CRISIS_FIRST_60: "Psychotherapy for crisis, first 60 minutes",
    CRISIS_EACH_30: "Psychotherapy for crisis, each additional 30 minutes",
    INTERACTIVE_COMPLEXITY: "Interactive complexity (add-on)",
}

# The codes +90785 may be added to (AMA CPT: not with crisis psychotherapy).
ADD_ON_BASES = frozenset(
    {DIAGNOSTIC_EVALUATION, PSYCHOTHERAPY_30, PSYCHOTHERAPY_45, PSYCHOTHERAPY_60}
)
# +90840 goes only with 90839.
_CRISIS_ADD_ON_BASES = frozenset({CRISIS_FIRST_60})

# Psychotherapy time thresholds (AMA CPT 2013 psychiatry codes, "time" rule).
MIN_PSYCHOTHERAPY_MINUTES = 16
_BANDS: tuple[tuple[int, str], ...] = (
    (53, PSYCHOTHERAPY_60),
    (38, PSYCHOTHERAPY_45),
    (16, PSYCHOTHERAPY_30),
)


class SessionKind(StrEnum):
    """The kinds of session a note documents (the appointment kinds)."""

    CONSULTATION = "consultation"
    PREPARATION = "preparation"
    MEDICINE = "medicine"
    INTEGRATION = "integration"
    THERAPY = "therapy"


@dataclass(frozen=True)
class CptLine:
    code: str
    units: int = 1

    @property
    def label(self) -> str:
        return CODE_LABELS[self.code]


@dataclass(frozen=True)
class CptProposal:
    lines: tuple[CptLine, ...]
    explanation: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(line.code for line in self.lines)


def psychotherapy_code(minutes: int) -> str | None:
    """90832, 90834 or 90837 for ``minutes`` of psychotherapy; None under 16 minutes."""
    if minutes < 0:
        raise ValueError("Minutes cannot be negative.")
    for threshold, code in _BANDS:
        if minutes >= threshold:
            return code
    return None


def propose_cpt(
    kind: SessionKind | str, held_minutes: int | None, *, interactive_complexity: bool = False
) -> CptProposal:
    """The codes the session supports, with a sentence saying why."""
    kind = SessionKind(kind)
    if kind is SessionKind.CONSULTATION:
        base = DIAGNOSTIC_EVALUATION
        why = "An intake assessment is a diagnostic evaluation (90791), whatever its length."
    elif kind is SessionKind.MEDICINE:
        return CptProposal(
            lines=(),
            explanation=(
                "Psychotherapy during a medicine session is billed with the monitoring "
                "codes (0820T-0822T) of the medicine record, not with a psychotherapy code."
            ),
        )
    elif held_minutes is None:
        return CptProposal(
            lines=(), explanation="Record how many minutes the session lasted to propose a code."
        )
    else:
        timed = psychotherapy_code(held_minutes)
        if timed is None:
            return CptProposal(
                lines=(),
                explanation=(
                    f"{held_minutes} minutes is under the 16 minutes a psychotherapy code needs."
                ),
            )
        base = timed
        why = f"{held_minutes} minutes of psychotherapy: {CODE_LABELS[base].lower()}."
    lines = [CptLine(base)]
    if interactive_complexity:
        lines.append(CptLine(INTERACTIVE_COMPLEXITY))
        why += " Interactive complexity adds +90785."
    return CptProposal(lines=tuple(lines), explanation=why)


def check_codes(chosen: Sequence[str], proposal: CptProposal, reason: str) -> list[tuple[str, str]]:
    """Problems with the codes a clinician chose, as ``(field, message)`` pairs.

    Codes other than the proposal's need a reason; every code must be one of
    ``CODE_LABELS``, at most once; an add-on needs a code it may be added to.
    """
    problems: list[tuple[str, str]] = []
    unknown = [c for c in chosen if c not in CODE_LABELS]
    if unknown:
        problems.append(
            ("cpt_codes", f"Choose codes from the list: {', '.join(sorted(CODE_LABELS))}.")
        )
        return problems
    if len(set(chosen)) != len(chosen):
        problems.append(("cpt_codes", "Each code is reported once."))
    codes = set(chosen)
    if INTERACTIVE_COMPLEXITY in codes and codes & {CRISIS_FIRST_60, CRISIS_EACH_30}:
        problems.append(
            ("cpt_codes", "Interactive complexity is not reported with crisis psychotherapy.")
        )
    elif INTERACTIVE_COMPLEXITY in codes and not codes & ADD_ON_BASES:
        problems.append(
            (
                "cpt_codes",
                "Interactive complexity (+90785) is added to 90791, 90832, 90834 or 90837.",
            )
        )
    if CRISIS_EACH_30 in codes and not codes & _CRISIS_ADD_ON_BASES:
        problems.append(("cpt_codes", "+90840 is added to 90839 only."))
    timed = codes & {PSYCHOTHERAPY_30, PSYCHOTHERAPY_45, PSYCHOTHERAPY_60}
    if len(timed) > 1 or (timed and DIAGNOSTIC_EVALUATION in codes):
        problems.append(("cpt_codes", "Report one of 90791, 90832, 90834 and 90837 per session."))
    if sorted(chosen) != sorted(proposal.codes) and not reason.strip():
        problems.append(("cpt_reason", "Say why the codes differ from the proposed ones."))
    return problems
