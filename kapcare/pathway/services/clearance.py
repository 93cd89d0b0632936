"""Clearances: a medical provider's decision, checked against the latest screening."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.violations import Refused
from kapcare.pathway.access import access_for_medical_change
from kapcare.pathway.models import Clearance
from kapcare.pathway.services.screening import check_clearance_request
from kapcare.pathway.vocabulary import ClearanceStatus
from kapcare.people.access import Actor, lock_client, staff_of
from kapcare.people.policy import Category

__all__ = ["record_clearance"]


def record_clearance(
    *,
    actor: Actor,
    client_id: int,
    status: ClearanceStatus,
    valid_until: dt.date,
    note: str,
    now: dt.datetime,
    justifications: dict[str, str] | None = None,
) -> Clearance:
    """A medical provider's clearance decision; the most recent one governs.

    ``cleared`` is checked against the latest medical screening (issue 5): refused
    while an absolute contraindication stands, or an item is unknown, and it needs a
    written justification (``justifications``: contraindication code -> text) for each
    relative one. Each clearance gets the next version of the client's clearances and
    keeps what it rests on (the screening, the justifications); it expires on
    ``valid_until``.
    """
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    client = access_for_medical_change(actor, client_id, "clearance")
    if valid_until < timezone.localdate(now) and status is ClearanceStatus.CLEARED:
        raise FieldError("valid_until", "A clearance cannot expire before it is recorded.")
    given = justifications or {}
    with transaction.atomic():
        lock_client(client.pk)
        check = check_clearance_request(
            client_id=client.pk, status=status.value, justifications=given
        )
        if not check.violations:
            version = (
                Clearance.objects.filter(client=client)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
                or 0
            ) + 1
            clearance = Clearance.objects.create(
                client=client,
                version=version,
                status=status.value,
                valid_until=valid_until,
                note=note,
                screening=check.screening,
                justifications={k: v.strip() for k, v in given.items() if v.strip()},
                recorded_by=staff,
                recorded_at=now,
            )
            record_event(
                source=actor.audit_source,
                action=AuditAction.CREATE,
                client_id=client.pk,
                category=Category.MEDICAL,
                detail=f"clearance:{status.value}:v{version}",
            )
    if check.violations:
        codes = ",".join(sorted({v.rule for v in check.violations}))
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            outcome=AuditOutcome.FAILURE,
            client_id=client.pk,
            category=Category.MEDICAL,
            detail=f"clearance:refused:{codes}"[:200],
        )
        raise Refused(check.violations)
    return clearance
