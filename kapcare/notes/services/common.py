"""Audit rows and refusals every notes service writes alike."""

from collections.abc import Sequence

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.violations import Refused, Violation
from kapcare.people.access import Actor
from kapcare.people.policy import Category


def audit(
    actor: Actor,
    client_id: int,
    action: AuditAction,
    detail: str,
    *,
    category: Category = Category.CLINICAL,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
) -> None:
    record_event(
        source=actor.audit_source,
        action=action,
        outcome=outcome,
        client_id=client_id,
        category=category,
        detail=detail[:200],
    )


def refuse(
    actor: Actor, client_id: int, action: AuditAction, what: str, violations: Sequence[Violation]
) -> Refused:
    """Audit a refused change (its rule codes, no content); the caller raises the result."""
    codes = ",".join(sorted({v.rule for v in violations}))
    audit(actor, client_id, action, f"{what}:refused:{codes}", outcome=AuditOutcome.FAILURE)
    # The reasons describe the record (signed, whose it is): that is a read too.
    audit(actor, client_id, AuditAction.READ, f"{what}:reasons")
    return Refused(violations)


def first_problem(problems: Sequence[tuple[str, str]]) -> None:
    """Raise the first ``(field, message)`` problem a pure check found, if any."""
    if problems:
        field, message = problems[0]
        raise FieldError(field, message)
