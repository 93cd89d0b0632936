"""Edit pages: a client's intensive plan, and the practice's pattern templates.

Thin: every change goes through ``intensives.services`` (the API's own), so a page
refuses what the API refuses, each message next to its field. A page that only redraws
the grid (another number of days, a template's days copied in) saves nothing.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error, submitting
from kapcare.intensives import services
from kapcare.intensives.edit_forms import (
    IntensivePlanForm,
    PatternForm,
    TemplateForm,
    asked_days,
    posted_pattern,
)
from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.intensives.views import may_plan, therapist_choices
from kapcare.people import policy
from kapcare.people.access import Actor, access_client, deny, staff_actor, staff_of
from kapcare.people.models import Client
from kapcare.people.policy import Category

__all__ = ["client_plan", "template_edit", "templates"]

REDRAW = {"days", "template"}
"""The actions that only redraw the form."""


def _plan_form(
    request: HttpRequest, client: Client, plan: IntensivePlan | None, actor: Actor
) -> IntensivePlanForm:
    posted = request.method == "POST"
    action = request.POST.get("action", "") if posted else ""
    choices: dict[str, Any] = {
        "templates": list(
            PatternTemplate.objects.filter(practice_id=client.practice_id).values_list("pk", "name")
        ),
        "clinicians": therapist_choices(client.practice_id),
        "home_state": client.home_state,
    }
    if action in REDRAW:
        # Redrawn from what was typed (unvalidated, nothing saved): other days, or the
        # chosen template's days in place of the grid.
        data = request.POST
        chosen = data.get("template", "")
        template = (
            PatternTemplate.objects.filter(pk=int(chosen), practice_id=client.practice_id).first()
            if action == "template" and chosen.isdigit() and len(chosen) <= 18
            else None
        )
        days = asked_days(data, plan_days(plan))
        pattern = template.pattern if template else posted_pattern(data, days)
        initial: dict[str, object] = {
            name: data.get(name, "")
            for name in ("template", "earliest_start", "day_ends_by", "virtual_location_state")
        }
        initial["preferred_clinicians"] = data.getlist("preferred_clinicians")
        initial["approved_dosing_days"] = data.getlist("approved_dosing_days")
        form = IntensivePlanForm(pattern=pattern, initial=initial, **choices)
    else:
        form = IntensivePlanForm(
            request.POST if posted else None,
            pattern=plan.pattern if plan else [],
            initial=_stored(plan),
            **choices,
        )
    # Which days may be dosed is the medical provider's decision: others see it only, as
    # it stands (even a day past a shorter grid: the service then says why it cannot be
    # saved), and the service keeps it.
    dosing = form.fields["approved_dosing_days"]
    dosing.disabled = not policy.may_approve_dosing_days(actor.roles)
    if dosing.disabled:
        stored = plan.approved_dosing_days if plan else []
        dosing.initial = stored
        dosing.choices = sorted(  # type: ignore[attr-defined]
            set(dosing.choices) | {(day, f"Day {day}") for day in stored}  # type: ignore[attr-defined]
        )
    return form


def _beside_the_grid(form: PatternForm) -> Callable[[FieldError], None]:
    """A service's refusal on its field; one of the whole pattern ("Day 1 must end with
    its daily closure") beside the days' count, inside the grid it is about."""

    def place(error: FieldError) -> None:
        add_field_error(
            form, FieldError("days", error.message) if error.field == "pattern" else error
        )

    return place


def plan_days(plan: IntensivePlan | None) -> int:
    return len(plan.pattern) if plan else 3


def _stored(plan: IntensivePlan | None) -> dict[str, Any]:
    if plan is None:
        return {"earliest_start": clock.today()}
    return {
        "template": plan.template_id,
        "earliest_start": plan.earliest_start,
        "approved_dosing_days": plan.approved_dosing_days,
        "preferred_clinicians": [s.pk for s in plan.preferred_clinicians.all()],
        "day_ends_by": plan.day_ends_by,
        "virtual_location_state": plan.virtual_location_state,
    }


def _planning_url(client_id: int, plan: IntensivePlan) -> str:
    """The planning page, planning this client's intensive from its earliest start."""
    query = {
        "clients": client_id,
        "days": len(plan.pattern),
        "earliest_start": plan.earliest_start.isoformat(),
    }
    return reverse("intensives:plan") + "?" + urlencode(query) + "#proposal-title"


@require_http_methods(["GET", "POST"])
def client_plan(request: HttpRequest, client_id: int) -> HttpResponse:
    """A client's intensive plan: its days and blocks, dosing days, preferences, location."""
    actor = staff_actor(request)
    posted = request.method == "POST"
    client = access_client(
        actor,
        client_id,
        Category.SCHEDULE,
        action=AuditAction.UPDATE if posted else AuditAction.READ,
        detail="page:intensive_plan",
    )
    plan = (
        IntensivePlan.objects.filter(client=client).prefetch_related("preferred_clinicians").first()
    )
    form = _plan_form(request, client, plan, actor)
    action = request.POST.get("action", "save") if posted else ""
    if form.is_bound and form.is_valid():
        with submitting(_beside_the_grid(form)) as submitted:
            saved = services.record_intensive_plan(
                actor=actor, client_id=client.pk, now=clock.now(), **form.plan_values()
            )
        if submitted.ok:
            messages.success(request, "The intensive plan is saved.")
            if action == "plan":
                return redirect(_planning_url(client.pk, saved))
            return redirect("intensives:client-plan", client_id=client.pk)
    return render(
        request,
        "intensives/plan_edit.html",
        {"client": client, "plan": plan, "form": form},
        status=422 if form.is_bound else 200,
    )


def _require_planner(actor: Actor, detail: str) -> None:
    staff_of(actor, Category.SCHEDULE)
    if not may_plan(actor):
        raise deny(actor, category=Category.SCHEDULE, action=AuditAction.READ, detail=detail)


@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    """The practice's pattern templates (they hold no client data)."""
    actor = staff_actor(request)
    _require_planner(actor, "page:intensive_templates")
    rows = PatternTemplate.objects.filter(practice_id=actor.practice_id)
    return render(
        request,
        "intensives/templates.html",
        {
            "templates": [(t, len(t.pattern)) for t in rows],
            "may_change": policy.may_manage_intensive_templates(actor.roles),
        },
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    """A new pattern template, or one changed (clients' plans keep their own copy)."""
    actor = staff_actor(request)
    _require_planner(actor, "page:intensive_template")
    template = None
    if template_id is not None:
        template = PatternTemplate.objects.filter(
            pk=template_id, practice_id=actor.practice_id
        ).first()
        if template is None:
            raise deny(actor, category=Category.SCHEDULE, action=AuditAction.READ,
                       detail="page:intensive_template")  # fmt: skip
    posted = request.method == "POST"
    stored = template.pattern if template else []
    if posted and request.POST.get("action") == "days":
        days = asked_days(request.POST, len(stored) or 1)
        form = TemplateForm(
            pattern=posted_pattern(request.POST, days),
            initial={"name": request.POST.get("name", "")},
        )
    else:
        form = TemplateForm(
            request.POST if posted else None,
            pattern=stored,
            initial={"name": template.name if template else ""},
        )
    if form.is_bound and form.is_valid():
        with submitting(_beside_the_grid(form)) as submitted:
            services.record_template(
                actor=actor,
                name=form.cleaned_data["name"],
                pattern=form.pattern(),
                now=clock.now(),
                template_id=template.pk if template else None,
            )
        if submitted.ok:
            messages.success(request, "The template is saved.")
            return redirect("intensives:templates")
    return render(
        request,
        "intensives/template_edit.html",
        {"template": template, "form": form},
        status=422 if form.is_bound else 200,
    )
