"""How a view, API endpoint or service reaches a pathway record by its own id.

Through ``people.access`` like every client record: missing, of another practice and
not allowed answer the same audited 404. A change only a medical provider may make
(screening, clearance, dose order) is refused with an audited 403 to others who may see
the client's medical data.
"""

from typing import TypeVar

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.pathway.models import (
    Consent,
    Diagnosis,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
    TreatmentPlan,
)
from kapcare.people.access import Actor, access_client, access_record, refuse_change
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Category, Role

__all__ = [
    "PLAN_WRITER_ROLES",
    "access_consent",
    "access_diagnosis",
    "access_for_medical_change",
    "access_plan_for_change",
    "access_plan_goal",
    "access_plan_item_for_change",
]

# Who writes the plan's problems, goals and interventions and signs its reviews: the
# clinicians on the care team.
PLAN_WRITER_ROLES = frozenset({Role.THERAPIST, Role.MEDICAL_PROVIDER})


def access_consent(
    actor: Actor, consent_id: int, *, action: AuditAction = AuditAction.READ, detail: str
) -> tuple[Consent, Client]:
    """A consent and its client, if the actor may ``action`` the client's clinical data."""
    return access_record(
        actor, Consent.objects.all(), consent_id, Category.CLINICAL, action=action, detail=detail
    )


def access_diagnosis(
    actor: Actor, diagnosis_id: int, *, action: AuditAction = AuditAction.READ, detail: str
) -> tuple[Diagnosis, Client]:
    """A diagnosis and its client, if the actor may ``action`` the client's clinical data."""
    return access_record(
        actor, Diagnosis.objects.all(), diagnosis_id, Category.CLINICAL, action=action,
        detail=detail,
    )  # fmt: skip


def access_for_medical_change(actor: Actor, client_id: int, detail: str) -> Client:
    """The client, for a medical provider on the care team (others: 404, or 403 if seen)."""
    client = access_client(
        actor, client_id, Category.MEDICAL, action=AuditAction.CREATE, detail=detail
    )
    if not actor.has_role(Role.MEDICAL_PROVIDER):
        raise refuse_change(
            actor, client_id=client.pk, category=Category.MEDICAL, detail=f"create:{detail}"
        )
    return client


def access_plan_goal(
    actor: Actor, goal_id: int, *, action: AuditAction = AuditAction.READ, detail: str
) -> tuple[PlanGoal, Client]:
    return access_record(
        actor, PlanGoal.objects.all(), goal_id, Category.CLINICAL, action=action, detail=detail
    )


PlanItem = TypeVar("PlanItem", PlanProblem, PlanGoal, PlanIntervention)


def access_plan_item_for_change(
    actor: Actor, model: type[PlanItem], item_id: int, detail: str
) -> tuple[PlanItem, Client, StaffMember]:
    """A problem, goal or intervention of a plan, its client and the changing clinician,
    for a change by a clinician on the care team (not found or not allowed to see:
    audited 404; allowed to see but not to change: audited 403)."""
    found, client = access_record(
        actor,
        model.objects.all(),
        item_id,
        Category.CLINICAL,
        action=AuditAction.UPDATE,
        detail=detail,
    )
    if actor.staff is None or not actor.roles & PLAN_WRITER_ROLES:
        raise refuse_change(
            actor, client_id=client.pk, category=Category.CLINICAL, detail=f"update:{detail}"
        )
    return found, client, actor.staff


def access_plan_for_change(
    actor: Actor, client_id: int, detail: str
) -> tuple[Client, StaffMember, TreatmentPlan]:
    """The client, the writing clinician and the client's plan, for a change to the plan's
    problems, goals, interventions or reviews (others who may read it: audited 403; no
    plan yet: a field error on ``plan``)."""
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.CREATE, detail=detail
    )
    if actor.staff is None or not actor.roles & PLAN_WRITER_ROLES:
        raise refuse_change(
            actor, client_id=client.pk, category=Category.CLINICAL, detail=f"create:{detail}"
        )
    plan = TreatmentPlan.objects.filter(client=client).first()
    if plan is None:
        # Saying there is no plan tells what the record holds: a read.
        record_event(
            source=actor.audit_source,
            action=AuditAction.READ,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"{detail}:no-plan",
        )
        raise FieldError("plan", "Write the treatment plan first.")
    return client, actor.staff, plan
