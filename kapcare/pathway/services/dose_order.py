"""Dose orders: written by a medical provider, active from a day (and until one)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.pathway.access import access_for_medical_change
from kapcare.pathway.models import DoseOrder
from kapcare.pathway.vocabulary import ORDERABLE_ROUTES, Route
from kapcare.people.access import Actor, staff_of
from kapcare.people.policy import Category

__all__ = ["record_dose_order"]


def record_dose_order(
    *,
    actor: Actor,
    client_id: int,
    route: Route,
    dose_mg: Decimal,
    max_dose_mg: Decimal,
    now: dt.datetime,
    active_from: dt.date | None = None,
    active_to: dt.date | None = None,
) -> DoseOrder:
    """A dose order written by a medical provider; active from today unless dated."""
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    client = access_for_medical_change(actor, client_id, "dose_order")
    if route not in ORDERABLE_ROUTES:
        raise FieldError("route", "Order sublingual, intramuscular or intravenous ketamine.")
    if dose_mg <= 0:
        raise FieldError("dose_mg", "The dose must be more than 0 mg.")
    if max_dose_mg < dose_mg:
        raise FieldError("max_dose_mg", "The maximum dose cannot be less than the dose.")
    start = active_from if active_from is not None else timezone.localdate(now)
    if active_to is not None and active_to < start:
        raise FieldError("active_to", "The order cannot end before it starts.")
    with transaction.atomic():
        order = DoseOrder.objects.create(
            client=client,
            route=route.value,
            dose_mg=dose_mg,
            max_dose_mg=max_dose_mg,
            active_from=start,
            active_to=active_to,
            ordered_by=staff,
            ordered_at=now,
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.MEDICAL,
            detail=f"dose_order:{route.value}",
        )
    return order
