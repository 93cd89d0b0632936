"""Plan intensives: pick clients, see the proposed week per room and per clinician,
change a preference and plan again, then book it (all or nothing)."""

import datetime as dt
import json
import zoneinfo
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.core.violations import Refused, Violation
from kapcare.core.wording import fmt_time, plural
from kapcare.intensives import services
from kapcare.intensives.api import proposal_item
from kapcare.intensives.forms import PlanForm
from kapcare.intensives.models import IntensivePlan
from kapcare.intensives.planner import PlanOutcome
from kapcare.intensives.schemas import ProposalIn
from kapcare.intensives.vocabulary import ACTIVITY_LABELS
from kapcare.people import policy
from kapcare.people.access import Actor, deny, staff_actor, visible_clients
from kapcare.people.models import Room, StaffMember
from kapcare.people.policy import Category, Role
from kapcare.scheduling.api.appointments import booking_request
from kapcare.scheduling.facts import policy_for_practice

__all__ = ["may_plan", "plan_page", "therapist_choices"]


def may_plan(actor: Actor) -> bool:
    return Category.SCHEDULE in policy.allowed_categories(actor.roles, on_care_team=True)


def _clients(actor: Actor) -> list[tuple[int, str]]:
    planned = IntensivePlan.objects.values("client_id")
    return [
        (c.pk, c.display_name)
        for c in visible_clients(actor, Category.SCHEDULE)
        .filter(pk__in=planned)
        .order_by("legal_family_name", "legal_given_name", "pk")
    ]


def therapist_choices(practice_id: int) -> list[tuple[int, str]]:
    return [
        (s.pk, s.display_name)
        for s in StaffMember.objects.filter(
            practice_id=practice_id, is_active=True, roles__role=Role.THERAPIST.value
        ).select_related("user")
    ]


def _week(outcome: PlanOutcome, zone: str, names: dict[int, str], actor: Actor) -> dict[str, Any]:
    """The proposal as two grids: rows are rooms (or clinicians), columns are dates."""
    tz = zoneinfo.ZoneInfo(zone)
    dates = sorted({x.start.astimezone(tz).date() for x in outcome.placed})
    staff = {
        s.pk: s.display_name
        for s in StaffMember.objects.filter(
            pk__in={i for x in outcome.placed for i in x.staff_ids}
        ).select_related("user")
    }
    rooms = {
        r.pk: f"{r.location.name}, {r.name}"
        for r in Room.objects.filter(
            pk__in={x.room_id for x in outcome.placed if x.room_id is not None}
        ).select_related("location")
    }
    by_room: dict[str, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_staff: dict[str, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for x in sorted(outcome.placed, key=lambda x: x.start):
        local = x.start.astimezone(tz)
        when = f"{fmt_time(local)}\N{EN DASH}{fmt_time(x.end.astimezone(tz))}"
        what = f"{when} {ACTIVITY_LABELS[x.block.activity]}, {names[x.client_id]}"
        room = rooms[x.room_id] if x.room_id is not None else "Telehealth (video)"
        by_room[room][local.date()].append(what)
        for staff_id in x.staff_ids:
            by_staff[staff[staff_id]][local.date()].append(what)

    def grid(rows: dict[str, dict[dt.date, list[str]]]) -> list[tuple[str, list[list[str]]]]:
        return [(name, [rows[name].get(d, []) for d in dates]) for name in sorted(rows)]

    return {"dates": dates, "rooms": grid(by_room), "staff": grid(by_staff)}


def _preferences(form: PlanForm) -> dict[int, services.Preference]:
    out = {}
    for client_id in form.cleaned_data["clients"]:
        therapist = form.cleaned_data.get(f"prefer_{client_id}")
        ends = form.cleaned_data.get(f"ends_{client_id}")
        out[client_id] = services.Preference(
            preferred_staff=frozenset({therapist}) if therapist is not None else None,
            day_ends_by=ends,
        )
    return out


def _proposal_json(outcome: PlanOutcome) -> str:
    return json.dumps([proposal_item(r).model_dump(mode="json") for r in outcome.requests])


@require_http_methods(["GET", "POST"])
def plan_page(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    if not may_plan(actor):
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.READ, detail="page:intensives"
        )
    clients = _clients(actor)
    # The client list names people: one read event per client shown.
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=[pk for pk, _ in clients],
        category=Category.DEMOGRAPHICS,
        detail="page:intensives",
    )
    # A GET naming clients plans at once (the plan page's "Save and plan again" lands
    # here); it reads and audits, and books or saves nothing.
    asked = request.GET if "clients" in request.GET else None
    form = PlanForm(
        request.POST if request.method == "POST" else asked,
        initial={"days": 3, "earliest_start": clock.today() + dt.timedelta(days=1)},
        clients=clients,
        therapists=therapist_choices(actor.practice_id),
    )
    zone = policy_for_practice(actor.practice_id).time_zone.value
    context: dict[str, Any] = {"form": form, "zone": zone, "clients": clients}
    if form.is_bound and form.is_valid():
        if request.method == "POST" and request.POST.get("action") == "book":
            booked = _book(request, actor, context)
            if booked is not None:
                return booked
        if request.method == "POST" and request.POST.get("action") == "save":
            _save_preferences(request, actor, form)
        outcome = services.plan_for_clients(
            actor=actor,
            client_ids=form.cleaned_data["clients"],
            days=form.cleaned_data["days"],
            earliest_start=form.cleaned_data["earliest_start"],
            preferences=_preferences(form),
        )
        if isinstance(outcome, list):
            context["reasons"] = _reasons(outcome, dict(clients))
        else:
            context["week"] = _week(outcome, zone, dict(clients), actor)
            context["proposal"] = _proposal_json(outcome)
            context["outcome"] = outcome
    return render(request, "intensives/plan.html", context)


def _reasons(violations: list[Violation], names: dict[int, str]) -> list[str]:
    """Each reason in words, with the client's name where it is about one client."""
    out = []
    for v in violations:
        client = v.subject.removeprefix("client:")
        who = names.get(int(client)) if client.isdigit() else None
        out.append(f"{who}: {v.message}" if who else v.message)
    return out


def _save_preferences(request: HttpRequest, actor: Actor, form: PlanForm) -> None:
    """Keep the preferences tried on the page in each chosen client's intensive plan."""
    saved = 0
    for client_id, wanted in _preferences(form).items():
        if wanted.preferred_staff is None and wanted.day_ends_by is None:
            continue
        services.save_preferences(
            actor=actor, client_id=client_id, now=clock.now(),
            therapist_id=next(iter(wanted.preferred_staff)) if wanted.preferred_staff else None,
            day_ends_by=wanted.day_ends_by,
        )  # fmt: skip
        saved += 1
    if saved:
        where = plural(saved, "intensive plan")
        messages.success(request, f"The preferences are saved in {where}.")
    else:
        messages.info(request, "No preference was changed, so nothing was saved.")


def _book(request: HttpRequest, actor: Actor, context: dict[str, Any]) -> HttpResponse | None:
    try:
        proposal = ProposalIn.model_validate({"appointments": json.loads(request.POST["proposal"])})
    except (KeyError, ValueError, ValidationError):
        context["reasons"] = ["The proposal could not be read. Plan again, then book it."]
        return None
    try:
        booked = services.book_intensives(
            actor=actor,
            requests=[booking_request(item) for item in proposal.appointments],
            now=clock.now(),
        )
    except Refused as refused:
        context["reasons"] = [
            "Nothing was booked: the calendar changed since this plan was made. "
            "Plan again to see the best plan now.",
            *(v.message for v in refused.violations),
        ]
        return None
    count = sum(1 + (b.follow_up is not None) for b in booked)
    messages.success(request, f"Booked the intensives: {count} appointments.")
    return redirect("scheduling:calendar")
