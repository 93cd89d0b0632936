"""The staff setting that a clinician's notes need a supervisor's co-signature."""

import datetime as dt

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.notes.access import WRITER_ROLES
from kapcare.notes.models import NoteSupervision
from kapcare.people.access import Actor, deny
from kapcare.people.models import StaffMember
from kapcare.people.policy import Category, may_set_note_supervision

__all__ = ["set_supervision"]


def set_supervision(
    *, actor: Actor, staff_id: int, supervisor_id: int | None, now: dt.datetime
) -> NoteSupervision | None:
    """Require (or, with no supervisor, stop requiring) co-signature of a clinician's notes.

    The practice admin (front desk) sets it; the supervisor is another clinician of the
    same practice who writes notes.
    """
    if actor.staff is None or not may_set_note_supervision(actor.roles):
        raise deny(actor, category=Category.DEMOGRAPHICS, action=AuditAction.UPDATE,
                   detail="note_supervision")  # fmt: skip
    practice_staff = StaffMember.objects.filter(practice_id=actor.staff.practice_id)
    staff = practice_staff.filter(pk=staff_id).first()
    if staff is None:
        raise deny(actor, category=Category.DEMOGRAPHICS, action=AuditAction.UPDATE,
                   detail="note_supervision")  # fmt: skip
    with transaction.atomic():
        if supervisor_id is None:
            NoteSupervision.objects.filter(staff=staff).delete()
            result = None
        else:
            supervisor = (
                practice_staff.filter(pk=supervisor_id, is_active=True)
                .filter(roles__role__in=[r.value for r in WRITER_ROLES])
                .distinct()
                .first()
            )
            if supervisor is None or supervisor.pk == staff.pk:
                raise FieldError(
                    "supervisor", "Choose another clinician of the practice as supervisor."
                )
            result, _ = NoteSupervision.objects.update_or_create(
                staff=staff,
                defaults={"supervisor": supervisor, "set_by": actor.staff, "set_at": now},
            )
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            category=Category.DEMOGRAPHICS,
            detail=f"note_supervision:staff:{staff.pk}",
        )
    return result
