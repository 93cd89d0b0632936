"""The treatment plan's page (problems, goals with their measures, interventions, the
review history) and the page where a clinician signs a review.

Thin like ``views``: the client is reached through ``people.access`` (inside
``services.get_plan_detail``), every change goes through ``pathway.services``, so the
pages refuse what the API refuses, in the same words, beside the field.
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error, submitting
from kapcare.pathway import goals, services
from kapcare.pathway.access import PLAN_WRITER_ROLES
from kapcare.pathway.forms import (
    EndInterventionForm,
    GoalForm,
    InterventionForm,
    ProblemForm,
    ResolveProblemForm,
    ReviewForm,
    RewordProblemForm,
)
from kapcare.pathway.models import Diagnosis, PlanGoal, PlanIntervention, PlanProblem
from kapcare.pathway.vocabulary import (
    GOAL_PROGRESS_LABELS,
    GOAL_STATUS_LABELS,
    INTERVENTION_LABELS,
    PLAN_STATUS_LABELS,
    GoalComparison,
    GoalProgress,
    GoalStatus,
    InterventionKind,
    PlanStatus,
)
from kapcare.people.access import Actor, deny, staff_actor
from kapcare.people.policy import Category

FORMS = ("problem", "goal", "intervention", "goal_status")
# Forms of one problem or intervention, posted with its id as ``item``.
ROW_FORMS = {
    "problem_reword": RewordProblemForm,
    "problem_resolve": ResolveProblemForm,
    "intervention_end": EndInterventionForm,
}


def _plan_url(client_id: int, anchor: str = "") -> str:
    return reverse("pathway:plan-detail", args=[client_id]) + (f"#{anchor}" if anchor else "")


def _forms(detail: services.PlanDetail, data: Any, which: str) -> dict[str, django_forms.Form]:
    problems = [(p.pk, p.description[:80]) for p in detail.problems if p.resolved_on is None]
    in_progress = [(r.goal.pk, r.goal.description[:80]) for r in detail.goals_in_progress]
    return {
        "problem": ProblemForm(data if which == "problem" else None, prefix="problem"),
        "goal": GoalForm(
            data if which == "goal" else None,
            prefix="goal",
            problems=problems,
            instruments=detail.instruments,
        ),
        "intervention": InterventionForm(
            data if which == "intervention" else None, prefix="intervention", goals=in_progress
        ),
    }


@dataclass(frozen=True)
class _ProblemRow:
    problem: PlanProblem
    reword: django_forms.Form | None  # None once resolved: its words are kept
    resolve: django_forms.Form | None
    open: bool = False  # one of its forms was just posted and refused


@dataclass(frozen=True)
class _InterventionRow:
    intervention: PlanIntervention
    end: django_forms.Form | None  # None once ended
    open: bool = False


def _rows(
    detail: services.PlanDetail, posted: tuple[str, int, django_forms.Form] | None
) -> tuple[list[_ProblemRow], list[_InterventionRow]]:
    """Each problem with its reword and resolve forms (while open) and each intervention
    with its end form (while ongoing), prefixed by the row's id; the one posted is the
    bound form, with its errors beside its fields."""
    today = clock.today()

    def form(which: str, item: int, initial: dict[str, Any]) -> django_forms.Form:
        if posted is not None and posted[:2] == (which, item):
            return posted[2]
        return ROW_FORMS[which](initial=initial, prefix=f"{which}-{item}")

    def posted_to(item: int, *which: str) -> bool:
        return posted is not None and posted[1] == item and posted[0] in which

    problems = [
        _ProblemRow(
            p,
            form("problem_reword", p.pk, {"description": p.description}),
            form("problem_resolve", p.pk, {"resolved_on": today}),
            posted_to(p.pk, "problem_reword", "problem_resolve"),
        )
        if p.resolved_on is None
        else _ProblemRow(p, None, None)
        for p in detail.problems
    ]
    interventions = [
        _InterventionRow(
            i,
            form("intervention_end", i.pk, {"ended_on": today}),
            posted_to(i.pk, "intervention_end"),
        )
        if i.ended_on is None
        else _InterventionRow(i, None)
        for i in detail.interventions
    ]
    return problems, interventions


def _apply_row(actor: Actor, which: str, item: int, form: django_forms.Form) -> str:
    data = form.cleaned_data
    now = clock.now()
    if which == "problem_reword":
        services.reword_problem(
            actor=actor, problem_id=item, description=data["description"], now=now
        )
        return "The problem is reworded; its earlier wording is kept."
    if which == "problem_resolve":
        services.resolve_problem(
            actor=actor, problem_id=item, resolved_on=data["resolved_on"], now=now
        )
        return "The problem is resolved."
    services.end_intervention(actor=actor, intervention_id=item, ended_on=data["ended_on"], now=now)
    return "The intervention is ended."


def _row_change(
    request: HttpRequest, actor: Actor, detail: services.PlanDetail, which: str
) -> tuple[HttpResponse | None, tuple[str, int, django_forms.Form] | None]:
    """Apply a problem's or an intervention's change; a redirect when done, else the
    bound form to show again beside its row."""
    client_id = detail.client.pk
    rows = detail.interventions if which == "intervention_end" else detail.problems
    item = request.POST.get("item", "")
    # The row is reached through the plan this page shows (its client already checked
    # and audited); the service checks and audits it again by its own id.
    if not item.isdigit() or int(item) not in {row.pk for row in rows}:
        raise deny(actor, client_id=client_id, category=Category.CLINICAL,
                   action=AuditAction.UPDATE, detail=f"page:{which}")  # fmt: skip
    form = ROW_FORMS[which](request.POST, prefix=f"{which}-{item}")
    if form.is_valid():
        with submitting(form) as submitted:
            message = _apply_row(actor, which, int(item), form)
        if submitted.ok:
            messages.success(request, message)
            anchor = "interventions" if which == "intervention_end" else "problems"
            return redirect(_plan_url(client_id, anchor)), None
    return None, (which, int(item), form)


def _field_error(form: django_forms.Form, error: FieldError) -> None:
    """A refusal beside its field; a goal's subscale is chosen in the instrument's list."""
    field = "instrument" if error.field == "subscale" else error.field
    add_field_error(form, FieldError(field, error.message))


def _apply(actor: Actor, client_id: int, which: str, form: django_forms.Form) -> str:
    data = form.cleaned_data
    now = clock.now()
    if which == "problem":
        services.record_problem(
            actor=actor, client_id=client_id, description=data["description"], now=now
        )
        return "The problem is on the plan."
    if which == "goal":
        services.record_goal(
            actor=actor,
            client_id=client_id,
            goal=services.GoalIn(
                description=data["description"],
                problem_id=data["problem"],
                instrument=data["instrument"],
                subscale=data["subscale"],
                comparison=GoalComparison(data["comparison"]) if data["comparison"] else None,
                target=data["target"],
                target_date=data["target_date"],
            ),
            now=now,
        )
        return "The goal is on the plan."
    services.record_intervention(
        actor=actor,
        client_id=client_id,
        kind=InterventionKind(data["kind"]),
        description=data["description"],
        frequency=data["frequency"],
        goal_id=data["goal"],
        now=now,
    )
    return "The intervention is on the plan."


def _goal_status(request: HttpRequest, actor: Actor, client_id: int) -> HttpResponse:
    """Mark a goal met, set it aside or take it up again (one button each)."""
    status = request.POST.get("status", "")
    goal_id = request.POST.get("goal", "")
    if status not in {s.value for s in GoalStatus} or not goal_id.isdigit():
        messages.error(request, "Choose a goal and what has become of it.")
        return redirect(_plan_url(client_id, "goals"))
    # The goal is reached by its own id (checked and audited there); this page changes
    # only the goals of the client it shows.
    if not PlanGoal.objects.filter(pk=int(goal_id), client_id=client_id).exists():
        raise deny(actor, client_id=client_id, category=Category.CLINICAL,
                   action=AuditAction.UPDATE, detail="page:plan-goal")  # fmt: skip
    with submitting():
        services.change_goal_status(
            actor=actor, goal_id=int(goal_id), status=GoalStatus(status), now=clock.now()
        )
    messages.success(request, f"The goal is marked “{GOAL_STATUS_LABELS[GoalStatus(status)]}”.")
    return redirect(_plan_url(client_id, "goals"))


@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    detail = services.get_plan_detail(actor, client_id, today=clock.today(), detail="page:plan")
    client = detail.client
    if request.method == "POST" and which not in FORMS and which not in ROW_FORMS:
        raise deny(actor, client_id=client.pk, category=Category.CLINICAL,
                   action=AuditAction.CREATE, detail=f"page:plan:{which[:20]}")  # fmt: skip
    if which == "goal_status":
        return _goal_status(request, actor, client.pk)
    posted_row = None
    if which in ROW_FORMS:
        done, posted_row = _row_change(request, actor, detail, which)
        if done is not None:
            return done
    page_forms = _forms(detail, request.POST if which in FORMS else None, which)
    if which in FORMS:
        form = page_forms[which]
        if form.is_valid():
            with submitting(partial(_field_error, form)) as submitted:
                message = _apply(actor, client.pk, which, form)
            if submitted.ok:
                messages.success(request, message)
                return redirect(_plan_url(client.pk, f"{which}s"))
    problem_rows, intervention_rows = _rows(detail, posted_row)
    diagnoses = list(
        Diagnosis.objects.filter(client=client, resolved_on__isnull=True).order_by("noted_on", "id")
    )
    return render(
        request,
        "pathway/plan_detail.html",
        {
            "client": client,
            "detail": detail,
            "plan": detail.plan,
            "plan_status": PLAN_STATUS_LABELS[PlanStatus(detail.plan.status)]
            if detail.plan
            else "",
            "diagnoses": diagnoses,
            "forms": page_forms,
            "problem_rows": problem_rows,
            "intervention_rows": intervention_rows,
            "which": which,
            "may_write": bool(actor.roles & PLAN_WRITER_ROLES),
            "status_labels": GOAL_STATUS_LABELS,
            "intervention_labels": INTERVENTION_LABELS,
            "progress_labels": GOAL_PROGRESS_LABELS,
        },
        status=422 if which else 200,
    )


@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, client_id: int) -> HttpResponse:
    """Sign a review of the plan: each goal in progress judged, beside its measure."""
    actor = staff_actor(request)
    posted = request.method == "POST"
    detail = services.get_plan_detail(
        actor, client_id, today=clock.today(), detail="page:plan-review"
    )
    client = detail.client
    if detail.plan is None:
        messages.error(request, "Write the treatment plan first.")
        return redirect(reverse("pathway:plan", args=[client.pk]))
    rows = detail.goals_in_progress
    today = clock.today()
    form = ReviewForm(
        request.POST if posted else None,
        goals=[(r.goal.pk, r.goal.description[:80]) for r in rows],
        initial={"reviewed_on": today, "next_review_on": goals.next_review_default(today)},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submitted:
            services.sign_plan_review(
                actor=actor,
                client_id=client.pk,
                reviewed_on=data["reviewed_on"],
                next_review_on=data["next_review_on"],
                summary=data["summary"],
                judgements={
                    goal_id: services.GoalJudgement(
                        progress=GoalProgress(data[f"goal_{goal_id}"]),
                        note=data[f"note_{goal_id}"],
                    )
                    for goal_id in form.goal_ids
                },
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, "The review is signed and locked.")
            return redirect(_plan_url(client.pk, "reviews"))
    by_goal = {r.goal.pk: r for r in rows}
    return render(
        request,
        "pathway/plan_review.html",
        {
            "client": client,
            "detail": detail,
            "form": form,
            "goal_fields": [(by_goal[g], judged, note) for g, judged, note in form.goal_fields()],
            "last_review": detail.reviews[0] if detail.reviews else None,
        },
        status=422 if form.is_bound else 200,
    )
