"""Which scored flags become risk flags on the chart (pure; no Django).

A risk flag reaches the care team and stays open until a clinician reviews it with
a note (issue 4). Suicidality and suicide risk always do; high dissociation only
before a medicine session, where it is a relative contraindication to weigh.
"""

from collections.abc import Iterable

__all__ = [
    "ALWAYS_RAISED",
    "BEFORE_MEDICINE_ONLY",
    "MEDICINE_LOOKAHEAD_DAYS",
    "risk_flags_to_raise",
]

# PHQ-9 item 9 > 0 (``suicidality``) and a positive ASQ (``suicide_risk``), from any
# instrument whose scoring raises these flags.
ALWAYS_RAISED = ("suicidality", "suicide_risk")
# DES-II total ≥ 30 (``high_dissociation``): a risk only with a medicine session ahead.
BEFORE_MEDICINE_ONLY = ("high_dissociation",)
# "Before a medicine session": one is booked to start within this many days of the
# response. Thirty days covers a series booked a month ahead; baseline screening with
# nothing booked yet is read by the medical provider's screening instead.
MEDICINE_LOOKAHEAD_DAYS = 30


def risk_flags_to_raise(score_flags: Iterable[str], *, medicine_session_ahead: bool) -> list[str]:
    """The risk-flag codes a response raises, in a fixed order, each at most once."""
    given = set(score_flags)
    raised = [code for code in ALWAYS_RAISED if code in given]
    if medicine_session_ahead:
        raised += [code for code in BEFORE_MEDICINE_ONLY if code in given]
    return raised
