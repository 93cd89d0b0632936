"""How the care team reads a client's intake: each reflection statement with its answer."""

from kapcare.portal.models import Intake
from kapcare.portal.vocabulary import FIT_ANSWER_LABELS, FIT_STATEMENTS, FitAnswer

__all__ = ["intake_reflection"]


def intake_reflection(intake: Intake) -> list[tuple[str, str]]:
    """(statement, the client's answer or "not answered"), in the program's order."""
    return [
        (statement, FIT_ANSWER_LABELS[FitAnswer(answer)] if answer else "not answered")
        for name, statement in FIT_STATEMENTS.items()
        for answer in [getattr(intake, name)]
    ]
