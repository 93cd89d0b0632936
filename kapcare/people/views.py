"""Staff pages: my clients, the chart, the client's details, the practice."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.people import policy, services
from kapcare.people.access import (
    Actor,
    NotFound,
    access_client,
    actor_for_request,
    allowed_categories,
    visible_clients,
)
from kapcare.people.forms import ClientForm
from kapcare.people.models import CareTeamMember, Client, Location, Room, StaffMember
from kapcare.people.policy import Category


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        raise NotFound
    return actor


def _team_prefetch() -> Prefetch[str]:
    return Prefetch("care_team", CareTeamMember.objects.select_related("staff__user"))


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        return render(request, "people/no_staff_record.html", status=403)
    clients = list(visible_clients(actor).prefetch_related(_team_prefetch()))
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=[c.pk for c in clients],
        category=Category.DEMOGRAPHICS,
        detail="page:home",
    )
    opens_chart = bool(
        policy.allowed_categories(actor.roles, on_care_team=True) & {Category.SAFETY}
    )
    return render(
        request,
        "people/home.html",
        {
            "clients": clients,
            "sees_all": actor.sees_all_clients,
            "opens_chart": opens_chart,
            "reads_audit": policy.may_read_audit_log(actor.roles),
            "may_create": policy.may_create_clients(actor.roles),
        },
    )


def client_chart(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _actor(request)
    # Safety data (risk flags) is the least every chart shows, so it is the
    # gate: clinicians and monitors on the team pass, front desk does not.
    client = access_client(actor, client_id, Category.SAFETY, detail="page:chart")
    client = Client.objects.prefetch_related(_team_prefetch()).get(pk=client.pk)
    categories = allowed_categories(actor, client.pk)
    return render(
        request,
        "people/chart.html",
        {
            "client": client,
            "sees": {c.value: c in categories for c in Category},
        },
    )


@require_http_methods(["GET", "POST"])
def client_profile(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _actor(request)
    client = access_client(actor, client_id, Category.DEMOGRAPHICS, detail="page:profile")
    on_team = client.care_team.filter(staff=actor.staff).exists()
    may_edit = policy.may_edit_demographics(actor.roles, on_care_team=on_team)
    form = ClientForm(instance=client) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise NotFound
        form = ClientForm(request.POST, instance=Client.objects.get(pk=client.pk))
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            if changes:
                services.update_client(actor=actor, client_id=client.pk, changes=changes)
                messages.success(request, "Saved.")
            return redirect("people:client-profile", client_id=client.pk)
    client = Client.objects.prefetch_related(_team_prefetch()).get(pk=client.pk)
    return render(
        request,
        "people/profile.html",
        {
            "client": client,
            "form": form,
            "opens_chart": Category.SAFETY in allowed_categories(actor, client.pk),
        },
        status=422 if form is not None and form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def client_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not policy.may_create_clients(actor.roles):
        raise NotFound
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.create_client(actor=actor, fields=dict(form.cleaned_data))
        except services.FieldError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Client added.")
            return redirect("people:client-profile", client_id=client.pk)
    return render(
        request, "people/client_new.html", {"form": form}, status=422 if form.is_bound else 200
    )


def practice(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    locations = Location.objects.filter(practice_id=actor.practice_id).prefetch_related(
        Prefetch("rooms", Room.objects.order_by("name"))
    )
    staff = (
        StaffMember.objects.filter(practice_id=actor.practice_id, is_active=True)
        .select_related("user")
        .prefetch_related("roles", "licenses")
    )
    return render(request, "people/practice.html", {"locations": locations, "staff": staff})
