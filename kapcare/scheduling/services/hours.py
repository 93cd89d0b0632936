"""Working hours and time off: every change to them (``scheduling.facts`` reads them).

Working hours and time off are staff data, not client data, but who may change them is
still decided in one place (``people.policy.may_manage_staff_schedules``): everyone
their own, front desk everyone's. Anyone on the practice's staff may read working hours
(they are what booking needs); time off, which may carry a personal reason, is read by
the person and front desk only. Every change writes an audit event.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.ids import is_record_id
from kapcare.people.access import Actor, deny
from kapcare.people.models import Location
from kapcare.people.policy import Category
from kapcare.scheduling.access import access_staff
from kapcare.scheduling.hours import window_problem
from kapcare.scheduling.models import TimeOff, WorkingHours

__all__ = [
    "MAX_WINDOWS",
    "WindowIn",
    "add_time_off",
    "delete_time_off",
    "set_working_hours",
]

MAX_WINDOWS = 50
MAX_REASON = 200


@dataclass(frozen=True)
class WindowIn:
    weekday: int
    start: dt.time
    end: dt.time
    location_id: int


def _audit(actor: Actor, action: AuditAction, detail: str) -> None:
    record_event(
        source=actor.audit_source, action=action, category=Category.SCHEDULE, detail=detail
    )


def set_working_hours(
    *, actor: Actor, staff_id: int, windows: Sequence[WindowIn]
) -> list[WorkingHours]:
    """Replace the person's weekly working hours with ``windows`` (all or nothing)."""
    member = access_staff(actor, staff_id, change=True, detail=f"working_hours:{staff_id}")
    if len(windows) > MAX_WINDOWS:
        raise FieldError("windows", f"Keep to {MAX_WINDOWS} windows a week.")
    location_ids = {w.location_id for w in windows}
    known = set(
        Location.objects.filter(practice_id=member.practice_id, pk__in=location_ids).values_list(
            "pk", flat=True
        )
    )
    for index, window in enumerate(windows):
        if window.location_id not in known:
            raise FieldError(f"windows.{index}.location", "No location with that id.")
        problem = window_problem(window.weekday, window.start, window.end)
        if problem is not None:
            field = "weekday" if not 0 <= window.weekday <= 6 else "end"
            raise FieldError(f"windows.{index}.{field}", problem)
    with transaction.atomic():
        WorkingHours.objects.filter(staff=member).delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(
                staff=member,
                location_id=w.location_id,
                weekday=w.weekday,
                start_time=w.start,
                end_time=w.end,
            )
            for w in windows
        )
        _audit(actor, AuditAction.UPDATE, f"working_hours:staff:{member.pk}:{len(windows)}")
    return list(
        WorkingHours.objects.filter(staff=member)
        .select_related("location")
        .order_by("weekday", "start_time", "id")
    )


def add_time_off(
    *,
    actor: Actor,
    staff_id: int,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    now: dt.datetime,
) -> TimeOff:
    member = access_staff(actor, staff_id, change=True, detail=f"time_off:{staff_id}")
    if start.tzinfo is None or end.tzinfo is None:
        raise FieldError("start", "Give the time with its time zone offset.")
    if end <= start:
        raise FieldError("end", "Time off must end after it starts.")
    if len(reason) > MAX_REASON:
        raise FieldError("reason", f"Keep the reason to {MAX_REASON} characters.")
    if actor.staff is None:
        raise deny(actor, category=Category.SCHEDULE, action=AuditAction.CREATE)
    with transaction.atomic():
        entry = TimeOff.objects.create(
            staff=member,
            start=start,
            end=end,
            reason=reason.strip(),
            created_by=actor.staff,
            created_at=now,
        )
        _audit(actor, AuditAction.CREATE, f"time_off:{entry.pk}:staff:{member.pk}")
    return entry


def delete_time_off(*, actor: Actor, staff_id: int, time_off_id: int) -> None:
    member = access_staff(actor, staff_id, change=True, detail=f"time_off:{staff_id}")
    entry = (
        TimeOff.objects.filter(pk=time_off_id, staff=member).first()
        if is_record_id(time_off_id)
        else None
    )
    if entry is None:
        raise deny(actor, category=Category.SCHEDULE, action=AuditAction.DELETE, detail="time_off")
    with transaction.atomic():
        entry.delete()
        _audit(actor, AuditAction.DELETE, f"time_off:{time_off_id}:staff:{member.pk}")
