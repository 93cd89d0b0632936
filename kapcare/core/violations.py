"""The one shape of a rule's refusal: a stable code, a plain sentence, what it is about.

Pure Python (no Django): the pure rule modules of every app return :class:`Violation`
values, and a service that refuses a change raises :class:`Refused` with every one of
them. The API answers ``Refused`` with 422 (409 for a lost race) and
``{"detail", "violations": [{"rule", "message", "subject"}]}``; pages list the messages
next to the fields they are about.
"""

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Refused", "Violation"]


@dataclass(frozen=True)
class Violation:
    """One reason a rule refused.

    ``rule`` is a stable code (DESIGN.md's table and each app's additions); ``message``
    is a plain sentence for the person acting, naming what is missing and how to fix it,
    never client names or clinical detail; ``subject`` names what the rule is about when
    a request has several parts (the booking's ``appointment`` or ``follow_up``, a
    checklist item, a contraindication, a measure), empty when the rule says it all.
    """

    rule: str
    message: str
    subject: str = ""


class Refused(Exception):
    """The rules refused a change: every reason, and whether a concurrent change won.

    ``conflict`` is true when the change lost a race to a concurrent one (the database
    refused what the rules had allowed a moment earlier); the API answers 409 then,
    422 otherwise.
    """

    def __init__(self, violations: Sequence[Violation], *, conflict: bool = False) -> None:
        super().__init__(", ".join(v.rule for v in violations))
        self.violations = list(violations)
        self.conflict = conflict
