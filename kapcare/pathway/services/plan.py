"""The treatment plan: written, changed, paused, resumed or closed; every state kept."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.pathway.models import TreatmentPlan, TreatmentPlanVersion
from kapcare.pathway.vocabulary import PlanFormat, PlanStatus, TreatmentModality
from kapcare.people.access import Actor, access_client, lock_client, staff_of
from kapcare.people.policy import Category

__all__ = ["record_plan"]


def record_plan(
    *,
    actor: Actor,
    client_id: int,
    plan_format: PlanFormat,
    status: PlanStatus,
    modalities: Sequence[TreatmentModality],
    now: dt.datetime,
    relational_goals: str | None = None,
    planned_preparation_count: int | None = None,
) -> TreatmentPlan:
    """Create or change the client's plan; every saved state is kept in its history.

    Pausing (or closing) needs no justification: the client may stop at any time.
    ``relational_goals`` and ``planned_preparation_count`` keep their value when None.
    """
    staff = staff_of(actor, Category.SCHEDULE, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.UPDATE, detail="plan"
    )
    if not modalities:
        raise FieldError("modalities", "Choose at least one modality: kap, parts_work or emdr.")
    chosen = set(modalities)
    with transaction.atomic():
        lock_client(client.pk)
        plan = TreatmentPlan.objects.filter(client=client).first()
        created = plan is None
        if plan is None:
            plan = TreatmentPlan(client=client)
        plan.format = plan_format.value
        plan.status = status.value
        plan.includes_kap = TreatmentModality.KAP in chosen
        plan.includes_parts_work = TreatmentModality.PARTS_WORK in chosen
        plan.includes_emdr = TreatmentModality.EMDR in chosen
        if relational_goals is not None:
            plan.relational_goals = relational_goals
        if planned_preparation_count is not None:
            plan.planned_preparation_count = planned_preparation_count
        plan.updated_by = staff
        plan.updated_at = now
        plan.save()
        TreatmentPlanVersion.objects.create(
            plan=plan,
            client=client,
            format=plan.format,
            status=plan.status,
            includes_kap=plan.includes_kap,
            includes_parts_work=plan.includes_parts_work,
            includes_emdr=plan.includes_emdr,
            relational_goals=plan.relational_goals,
            planned_preparation_count=plan.planned_preparation_count,
            changed_by=staff,
            changed_at=now,
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"plan:{plan.format}:{plan.status}",
        )
    return plan
