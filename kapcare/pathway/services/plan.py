"""The treatment plan: written, changed, paused, resumed or closed; every state kept."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.pathway.models import TreatmentPlan, TreatmentPlanVersion
from kapcare.pathway.vocabulary import PlanFormat, PlanStatus, TreatmentModality
from kapcare.people.access import Actor, access_client, deny, lock_client, staff_of
from kapcare.people.models import StaffMember
from kapcare.people.policy import Category

__all__ = ["keep_version", "pause_plan_by_client", "record_plan"]


def keep_version(
    plan: TreatmentPlan, *, staff: StaffMember | None, now: dt.datetime
) -> TreatmentPlanVersion:
    """Append the plan's saved state to its history (inside the caller's transaction);
    ``staff`` None: the client changed it in the portal."""
    return TreatmentPlanVersion.objects.create(
        plan=plan,
        client_id=plan.client_id,
        format=plan.format,
        status=plan.status,
        includes_kap=plan.includes_kap,
        includes_parts_work=plan.includes_parts_work,
        includes_emdr=plan.includes_emdr,
        relational_goals=plan.relational_goals,
        planned_preparation_count=plan.planned_preparation_count,
        review_due_on=plan.review_due_on,
        changed_by=staff,
        changed_by_client=staff is None,
        changed_at=now,
    )


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
    review_due_on: dt.date | None = None,
) -> TreatmentPlan:
    """Create or change the client's plan; every saved state is kept in its history.

    Pausing (or closing) needs no justification: the client may stop at any time.
    ``relational_goals``, ``planned_preparation_count`` and ``review_due_on`` keep their
    value when None.
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
        if review_due_on is not None:
            plan.review_due_on = review_due_on
        plan.updated_by = staff
        plan.changed_by_client = False
        plan.updated_at = now
        plan.save()
        keep_version(plan, staff=staff, now=now)
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"plan:{plan.format}:{plan.status}",
        )
    return plan


def pause_plan_by_client(*, actor: Actor, now: dt.datetime) -> TreatmentPlan | None:
    """The client pauses their own plan from the portal ("I'd like to pause"): medicine
    sessions stop (``plan.paused``), preparation, integration and therapy stay open.

    The plan as it was (None without one); a plan already paused or closed is left as it
    is. Resuming is a conversation with the care team, who set the plan active again.
    """
    if not actor.is_client or actor.client_id is None:
        raise deny(actor, category=Category.CLINICAL, action=AuditAction.UPDATE, detail="pause")
    client = access_client(
        actor, actor.client_id, Category.CLINICAL, action=AuditAction.UPDATE, detail="pause"
    )
    with transaction.atomic():
        lock_client(client.pk)
        plan = TreatmentPlan.objects.filter(client=client).first()
        if plan is None or plan.status != PlanStatus.ACTIVE.value:
            return plan
        plan.status = PlanStatus.PAUSED.value
        plan.updated_by = None
        plan.changed_by_client = True
        plan.updated_at = now
        plan.save(update_fields=["status", "updated_by", "changed_by_client", "updated_at"])
        keep_version(plan, staff=None, now=now)
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"plan:{plan.format}:{plan.status}:portal",
        )
    return plan
