"""Changing the practice's scheduling settings (audited); ``scheduling.facts`` reads them."""

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.wording import fmt_date
from kapcare.people.access import Actor
from kapcare.people.policy import Category, may_change_scheduling_settings
from kapcare.scheduling.models import PracticeSchedulingSettings
from kapcare.scheduling.practice_settings import (
    OverrideError,
    validate_overrides,
    validate_reminder_hours,
)

__all__ = [
    "update_settings",
]


def update_settings(
    *,
    actor: Actor,
    values: Mapping[str, object],
    reason: str,
    now: dt.datetime,
    reminder_hours_before: int | None = None,
) -> PracticeSchedulingSettings:
    """Change settings (``None`` values go back to the default); audited with each name."""
    if actor.staff is None:
        raise PermissionDenied()
    if not may_change_scheduling_settings(actor.roles):
        record_event(
            source=actor.audit_source,
            action=AuditAction.DENIED,
            outcome=AuditOutcome.DENIED,
            category=Category.SCHEDULE,
            detail="update:scheduling_settings",
        )
        raise PermissionDenied()
    with transaction.atomic():
        current = (
            PracticeSchedulingSettings.objects.select_for_update()
            .filter(practice_id=actor.staff.practice_id)
            .first()
        ) or PracticeSchedulingSettings(practice_id=actor.staff.practice_id)
        day = fmt_date(timezone.localtime(now).date())
        source = f"Practice setting changed by {actor.staff.name} on {day}: {reason}"
        try:
            overrides = validate_overrides(
                values, source=source if reason.strip() else "", current=current.overrides
            )
            hours = (
                validate_reminder_hours(reminder_hours_before)
                if reminder_hours_before is not None
                else current.reminder_hours_before
            )
        except OverrideError as error:
            raise FieldError(error.field, error.message) from None
        changed = sorted(
            name
            for name in set(overrides) | set(current.overrides)
            if overrides.get(name) != current.overrides.get(name)
        )
        if hours != current.reminder_hours_before:
            changed.append("reminder_hours_before")
        current.overrides = overrides
        current.reminder_hours_before = hours
        current.updated_by = actor.staff
        current.updated_at = now
        current.save()
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            category=Category.SCHEDULE,
            detail=f"scheduling_settings:{','.join(changed) or 'unchanged'}",
        )
    return current
