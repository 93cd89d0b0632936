"""The practice's medicine settings: the policy sessions run on, and changing it (audited)."""

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.practice_overrides import OverrideError
from kapcare.core.wording import fmt_date
from kapcare.medicine.models import PracticeMedicineSettings
from kapcare.medicine.practice_settings import apply_overrides, validate_overrides
from kapcare.medicine.thresholds import MedicinePolicy
from kapcare.people.access import Actor
from kapcare.people.policy import Category, may_change_medicine_settings

__all__ = ["get_settings", "may_change_medicine_settings", "policy_for", "update_settings"]


def get_settings(practice_id: int) -> PracticeMedicineSettings:
    """The practice's settings (unsaved defaults when it has changed nothing)."""
    found = PracticeMedicineSettings.objects.filter(practice_id=practice_id).first()
    return found or PracticeMedicineSettings(practice_id=practice_id, overrides={})


def policy_for(practice_id: int) -> MedicinePolicy:
    """The medicine policy of this practice (one query)."""
    return apply_overrides(get_settings(practice_id).overrides)


def update_settings(
    *, actor: Actor, values: Mapping[str, object], reason: str, now: dt.datetime
) -> PracticeMedicineSettings:
    """Change settings (``None`` values go back to the default); audited with each name."""
    if actor.staff is None:
        raise PermissionDenied()
    if not may_change_medicine_settings(actor.roles):
        record_event(
            source=actor.audit_source,
            action=AuditAction.DENIED,
            outcome=AuditOutcome.DENIED,
            category=Category.MEDICINE_SESSION,
            detail="update:medicine_settings",
        )
        raise PermissionDenied()
    with transaction.atomic():
        current = (
            PracticeMedicineSettings.objects.select_for_update()
            .filter(practice_id=actor.staff.practice_id)
            .first()
        ) or PracticeMedicineSettings(practice_id=actor.staff.practice_id, overrides={})
        day = fmt_date(timezone.localtime(now).date())
        source = f"Practice setting changed by {actor.staff.name} on {day}: {reason}"
        try:
            overrides = validate_overrides(
                values, source=source if reason.strip() else "", current=current.overrides
            )
        except OverrideError as error:
            raise FieldError(error.field, error.message) from None
        changed = sorted(
            name
            for name in set(overrides) | set(current.overrides)
            if overrides.get(name) != current.overrides.get(name)
        )
        current.overrides = overrides
        current.updated_by = actor.staff
        current.updated_at = now
        current.save()
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            category=Category.MEDICINE_SESSION,
            detail=f"medicine_settings:{','.join(changed) or 'unchanged'}",
        )
    return current
