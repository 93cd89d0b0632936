"""The plan's problems, goals and interventions: added by the clinicians on the care
team, each change audited. Goals keep their words (a changed goal is a new one and the
old one set aside), so every signed review stays attached to what it judged. A problem
can be reworded (its earlier wording kept) or resolved with a date; an intervention
ended with a date. None of these touches a signed review: a review keeps its goals'
judgements and totals, and goals are never reworded."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.text import clean_text
from kapcare.pathway import facts
from kapcare.pathway.access import (
    PLAN_WRITER_ROLES,
    access_plan_for_change,
    access_plan_goal,
    access_plan_item_for_change,
)
from kapcare.pathway.models import PlanGoal, PlanIntervention, PlanProblem, PlanProblemWording
from kapcare.pathway.rules import INTERVENTION_ENDED, PROBLEM_RESOLVED
from kapcare.pathway.services.dating import require_dated_act
from kapcare.pathway.vocabulary import GoalComparison, GoalStatus, InterventionKind
from kapcare.people.access import Actor, lock_client, refuse_change
from kapcare.people.policy import Category

__all__ = [
    "GoalIn",
    "change_goal_status",
    "end_intervention",
    "record_goal",
    "record_intervention",
    "record_problem",
    "resolve_problem",
    "reword_problem",
]

TARGET_LIMIT = Decimal("99999.99")


def _audit(actor: Actor, client_id: int, action: AuditAction, detail: str) -> None:
    record_event(
        source=actor.audit_source,
        action=action,
        client_id=client_id,
        category=Category.CLINICAL,
        detail=detail,
    )


def _required(value: str, field: str) -> str:
    text = clean_text(value, field)
    if not text:
        raise FieldError(field, "This field is required.")
    return text


def record_problem(
    *, actor: Actor, client_id: int, description: str, now: dt.datetime
) -> PlanProblem:
    client, staff, plan = access_plan_for_change(actor, client_id, "plan_problem")
    text = _required(description, "description")
    with transaction.atomic():
        problem = PlanProblem.objects.create(
            plan=plan, client=client, description=text, created_by=staff, created_at=now
        )
        _audit(actor, client.pk, AuditAction.CREATE, f"plan_problem:{problem.pk}")
    return problem


@dataclass(frozen=True)
class GoalIn:
    description: str
    problem_id: int | None = None
    instrument: str = ""
    comparison: GoalComparison | None = None
    target: Decimal | None = None
    target_date: dt.date | None = None
    # One of the instrument's subscales (PCL-5 "B"); empty: its total.
    subscale: str = ""


@dataclass(frozen=True)
class _Measure:
    instrument: str = ""
    subscale: str = ""
    comparison: str = ""
    target: Decimal | None = None


def _measure_of(goal: GoalIn) -> _Measure:
    """The goal's instrument, subscale, comparison and target: the instrument, comparison
    and target all or none; a subscale only with an instrument that has it, and an
    instrument without a total only with one of its subscales."""
    instrument = goal.instrument.strip().upper()
    subscale = goal.subscale.strip()
    given = (bool(instrument), goal.comparison is not None, goal.target is not None)
    if not any(given) and not subscale:
        return _Measure()
    if not given[0]:
        raise FieldError("instrument", "Choose the instrument that measures this goal.")
    if goal.comparison is None:
        raise FieldError("comparison", "Choose how the score compares with the target.")
    if goal.target is None:
        raise FieldError("target", "Give the target score, for example 33.")
    known = {code.upper(): (code, m) for code, m in facts.goal_instruments().items()}
    if instrument not in known:
        raise FieldError("instrument", "Choose one of the practice's measures that has a score.")
    code, measure = known[instrument]
    if subscale:
        names = {name.casefold(): name for name in measure.subscales}
        if subscale.casefold() not in names:
            offered = ", ".join(measure.subscales.values()) or "none"
            raise FieldError(
                "subscale", f"Choose one of the {code} subscales ({offered}), or none."
            )
        subscale = names[subscale.casefold()]
    elif not measure.has_total:
        raise FieldError("subscale", f"The {code} has no total: choose one of its subscales.")
    if not Decimal(0) <= goal.target <= TARGET_LIMIT:
        raise FieldError("target", "Give a target score of zero or more.")
    return _Measure(code, subscale, goal.comparison.value, goal.target)


def record_goal(*, actor: Actor, client_id: int, goal: GoalIn, now: dt.datetime) -> PlanGoal:
    client, staff, plan = access_plan_for_change(actor, client_id, "plan_goal")
    text = _required(goal.description, "description")
    measure = _measure_of(goal)
    if goal.target_date is not None and goal.target_date < timezone.localdate(now):
        raise FieldError("target_date", "A goal's target date is today or later.")
    if (
        goal.problem_id is not None
        and not PlanProblem.objects.filter(pk=goal.problem_id, plan=plan).exists()
    ):
        raise FieldError("problem", "Choose one of this plan's problems.")
    with transaction.atomic():
        row = PlanGoal.objects.create(
            plan=plan,
            client=client,
            problem_id=goal.problem_id,
            description=text,
            instrument_code=measure.instrument,
            subscale=measure.subscale,
            comparison=measure.comparison,
            target=measure.target,
            target_date=goal.target_date,
            created_by=staff,
            created_at=now,
        )
        _audit(actor, client.pk, AuditAction.CREATE, f"plan_goal:{row.pk}")
    return row


def change_goal_status(
    *, actor: Actor, goal_id: int, status: GoalStatus, now: dt.datetime
) -> PlanGoal:
    """Mark a goal met, set it aside, or take it up again."""
    found, client = access_plan_goal(actor, goal_id, action=AuditAction.UPDATE, detail="plan_goal")
    if actor.staff is None or not actor.roles & PLAN_WRITER_ROLES:
        raise refuse_change(
            actor, client_id=client.pk, category=Category.CLINICAL, detail="update:plan_goal"
        )
    with transaction.atomic():
        lock_client(client.pk)
        goal = PlanGoal.objects.get(pk=found.pk)
        if goal.status != status.value:
            goal.status = status.value
            goal.status_changed_at = now
            goal.save(update_fields=["status", "status_changed_at"])
            _audit(actor, client.pk, AuditAction.UPDATE, f"plan_goal:{goal.pk}:{status.value}")
    return goal


def record_intervention(
    *,
    actor: Actor,
    client_id: int,
    kind: InterventionKind,
    description: str,
    frequency: str,
    goal_id: int | None,
    now: dt.datetime,
) -> PlanIntervention:
    client, staff, plan = access_plan_for_change(actor, client_id, "plan_intervention")
    text = clean_text(description, "description")
    how_often = clean_text(frequency, "frequency", limit=200)
    if kind == InterventionKind.OTHER and not text:
        raise FieldError("description", "Say what the intervention is.")
    if goal_id is not None and not PlanGoal.objects.filter(pk=goal_id, plan=plan).exists():
        raise FieldError("goal", "Choose one of this plan's goals.")
    with transaction.atomic():
        row = PlanIntervention.objects.create(
            plan=plan,
            client=client,
            goal_id=goal_id,
            kind=kind.value,
            description=text,
            frequency=how_often,
            created_by=staff,
            created_at=now,
        )
        _audit(actor, client.pk, AuditAction.CREATE, f"plan_intervention:{row.pk}")
    return row


def _created_on(created_at: dt.datetime) -> dt.date:
    return timezone.localdate(created_at)


def reword_problem(
    *, actor: Actor, problem_id: int, description: str, now: dt.datetime
) -> PlanProblem:
    """Reword a problem still open; the wording it replaces is kept in its history.
    The same words again change nothing."""
    found, client, staff = access_plan_item_for_change(
        actor, PlanProblem, problem_id, "plan_problem"
    )
    text = _required(description, "description")
    with transaction.atomic():
        lock_client(client.pk)
        problem = PlanProblem.objects.get(pk=found.pk)
        if problem.resolved_on is not None:
            raise FieldError("description", "A resolved problem keeps the words it had.")
        if problem.description != text:
            PlanProblemWording.objects.create(
                problem=problem,
                client=client,
                description=problem.description,
                replaced_by=staff,
                replaced_at=now,
            )
            problem.description = text
            problem.save(update_fields=["description"])
            _audit(actor, client.pk, AuditAction.UPDATE, f"plan_problem:{problem.pk}:reworded")
    return problem


def resolve_problem(
    *, actor: Actor, problem_id: int, resolved_on: dt.date, now: dt.datetime
) -> PlanProblem:
    """Date a problem's resolution (once; never before it was written, never in the
    future). Its goals stay as they are: each says for itself whether it was met."""
    found, client, _ = access_plan_item_for_change(actor, PlanProblem, problem_id, "plan_problem")
    with transaction.atomic():
        lock_client(client.pk)
        problem = PlanProblem.objects.get(pk=found.pk)
        require_dated_act(
            PROBLEM_RESOLVED,
            on=resolved_on,
            now=now,
            started_on=_created_on(problem.created_at),
            done_on=problem.resolved_on,
        )
        problem.resolved_on = resolved_on
        problem.save(update_fields=["resolved_on"])
        _audit(actor, client.pk, AuditAction.UPDATE, f"plan_problem:{problem.pk}:resolved")
    return problem


def end_intervention(
    *, actor: Actor, intervention_id: int, ended_on: dt.date, now: dt.datetime
) -> PlanIntervention:
    """Date the end of an intervention (once; never before it was added, never in the
    future); it stays on the plan as ended."""
    found, client, _ = access_plan_item_for_change(
        actor, PlanIntervention, intervention_id, "plan_intervention"
    )
    with transaction.atomic():
        lock_client(client.pk)
        row = PlanIntervention.objects.get(pk=found.pk)
        require_dated_act(
            INTERVENTION_ENDED,
            on=ended_on,
            now=now,
            started_on=_created_on(row.created_at),
            done_on=row.ended_on,
        )
        row.ended_on = ended_on
        row.save(update_fields=["ended_on"])
        _audit(actor, client.pk, AuditAction.UPDATE, f"plan_intervention:{row.pk}:ended")
    return row
