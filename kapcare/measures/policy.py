"""Who may act on measures beyond seeing them (pure; no Django).

Seeing is by category (``people.policy``: measures are clinical, risk flags safety).
Reviewing a risk flag is a clinical judgement: a therapist or medical provider on the
care team closes it; a monitor sees open flags but does not close them.
"""

from kapcare.people.policy import Role

__all__ = ["FLAG_REVIEWER_ROLES", "may_review_risk_flags"]

FLAG_REVIEWER_ROLES = frozenset({Role.THERAPIST, Role.MEDICAL_PROVIDER})


def may_review_risk_flags(roles: frozenset[Role]) -> bool:
    return bool(roles & FLAG_REVIEWER_ROLES)
