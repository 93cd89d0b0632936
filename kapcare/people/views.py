"""Staff pages: my clients, the chart, the client's details, the practice.

Views stay thin: every client reaches them through ``people.access``
(``visible_clients`` for lists, ``access_client`` for one record), every
change through ``people.services``.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.form_errors import add_field_error
from kapcare.people import policy, services
from kapcare.people.access import (
    NotFound,
    access_client,
    actor_for_request,
    allowed_categories,
    deny,
    may_edit_demographics,
    staff_actor,
    visible_clients,
)
from kapcare.people.forms import ClientCreateForm, ClientForm, ClientSearchForm
from kapcare.people.models import CareTeamMember, Client, Location, Room, StaffMember
from kapcare.people.policy import Category
from kapcare.people.vocabulary import PathwayStage

# Safety data (risk flags) is the least every chart shows, so it is the chart's
# gate: clinicians and monitors on the care team pass, front desk does not.
CHART_CATEGORY = Category.SAFETY

HOME_PAGE_SIZE = 100


@dataclass(frozen=True)
class StageStep:
    """A pathway stage with its place on the pathway (1 to 7)."""

    value: str
    label: str
    number: int


STAGES = tuple(
    StageStep(value=s.value, label=s.label, number=n) for n, s in enumerate(PathwayStage, start=1)
)
STAGE_NUMBERS = {step.value: step.number for step in STAGES}


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    client: Client
    stage_number: int
    opens_chart: bool


@dataclass(frozen=True)
class StageCount:
    value: str
    label: str
    number: int
    count: int
    url: str
    current: bool


def _team_prefetch() -> Prefetch[str]:
    return Prefetch("care_team", CareTeamMember.objects.select_related("staff__user"))


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _search(clients: QuerySet[Client], text: str) -> QuerySet[Client]:
    for word in text.split()[:4]:
        clients = clients.filter(
            Q(legal_given_name__icontains=word)
            | Q(legal_family_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return clients


def _stage_counts(
    clients: QuerySet[Client], *, query: str, current: str | None
) -> list[StageCount]:
    counts = dict(
        clients.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    base = {"q": query} if query else {}
    rows = [
        StageCount(
            value="",
            label="All stages",
            number=0,
            count=sum(counts.values()),
            url="?" + urlencode(base) if base else "?",
            current=current is None,
        )
    ]
    rows += [
        StageCount(
            value=step.value,
            label=step.label,
            number=step.number,
            count=counts.get(step.value, 0),
            url="?" + urlencode({**base, "stage": step.value}),
            current=current == step.value,
        )
        for step in STAGES
    ]
    return rows


def _page_url(filters: dict[str, str], number: int) -> str:
    return "?" + urlencode({**filters, "page": number})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        return render(request, "people/no_staff_record.html", status=403)
    search = ClientSearchForm(request.GET)
    search.is_valid()  # a bad filter is shown as an error; the good ones still apply
    query: str = search.cleaned_data.get("q", "")
    stage: str | None = search.cleaned_data.get("stage") or None

    matching = _search(visible_clients(actor), query)
    shown = matching.filter(stage=stage) if stage else matching
    page = Paginator(shown.prefetch_related(_team_prefetch()), HOME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    clients = list(page)
    charts = set(
        visible_clients(actor, CHART_CATEGORY)
        .filter(pk__in=[c.pk for c in clients])
        .values_list("pk", flat=True)
    )
    filters = {k: v for k, v in (("q", query), ("stage", stage)) if v}
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=[c.pk for c in clients],
        category=Category.DEMOGRAPHICS,
        detail="page:home",
    )
    return render(
        request,
        "people/home.html",
        {
            "rows": [
                ClientRow(client=c, stage_number=STAGE_NUMBERS[c.stage], opens_chart=c.pk in charts)
                for c in clients
            ],
            "stage_counts": _stage_counts(matching, query=query, current=stage),
            "page": page,
            "previous_url": _page_url(filters, page.previous_page_number())
            if page.has_previous()
            else None,
            "next_url": _page_url(filters, page.next_page_number()) if page.has_next() else None,
            "stage_total": len(STAGES),
            "search": search,
            "query": query,
            "stage": stage,
            "actor": actor,
            "sees_all": actor.sees_all_clients,
            "reads_audit": policy.may_read_audit_log(actor.roles),
            "may_create": policy.may_create_clients(actor.roles),
        },
        status=422 if search.errors else 200,
    )


def _client_with_team(client: Client) -> Client:
    # The record was already checked by access_client; this only adds the team.
    return Client.objects.prefetch_related(_team_prefetch()).get(pk=client.pk)


@require_GET
def client_chart(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    client = _client_with_team(access_client(actor, client_id, CHART_CATEGORY, detail="page:chart"))
    categories = allowed_categories(actor, client.pk)
    return render(
        request,
        "people/chart.html",
        {
            "client": client,
            "age": _age(client.date_of_birth, clock.today()),
            "stages": STAGES,
            "stage_number": STAGE_NUMBERS[client.stage],
            "sees": {c.value: c in categories for c in Category},
            "opens_chart": True,
        },
    )


@require_http_methods(["GET", "POST"])
def client_profile(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    client = access_client(actor, client_id, Category.DEMOGRAPHICS, detail="page:profile")
    may_edit = may_edit_demographics(actor, client.pk)
    if request.method == "POST" and not may_edit:
        raise deny(
            actor,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            action=AuditAction.UPDATE,
            detail="page:profile",
        )
    form = ClientForm(request.POST if request.method == "POST" else None, instance=client)
    if form.is_bound and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changes:
                services.update_client(actor=actor, client_id=client.pk, changes=changes)
        except PermissionDenied:  # audited by the service
            raise NotFound from None
        except FieldError as error:
            add_field_error(form, error)
        else:
            messages.success(request, "Details saved." if changes else "Nothing was changed.")
            return redirect("people:client-profile", client_id=client.pk)
    # The instance holds the submitted (unsaved) values now; show what is stored.
    client = _client_with_team(client)
    return render(
        request,
        "people/profile.html",
        {
            "client": client,
            "form": form if may_edit else None,
            "age": _age(client.date_of_birth, clock.today()),
            "opens_chart": CHART_CATEGORY in allowed_categories(actor, client.pk),
        },
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def client_new(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    if not policy.may_create_clients(actor.roles):
        raise deny(
            actor, category=Category.DEMOGRAPHICS, action=AuditAction.CREATE, detail="page:new"
        )
    form = ClientCreateForm(
        request.POST if request.method == "POST" else None,
        practice_id=actor.practice_id,
        creator=actor.staff,
    )
    if form.is_bound and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "care_team"}
        try:
            client = services.create_client(
                actor=actor,
                fields=fields,
                care_team=[s.pk for s in form.cleaned_data["care_team"]],
            )
        except PermissionDenied:  # audited by the service
            raise NotFound from None
        except FieldError as error:
            add_field_error(form, error)
        else:
            messages.success(request, f"{client.display_name} was added.")
            return redirect("people:client-profile", client_id=client.pk)
    return render(
        request, "people/client_new.html", {"form": form}, status=422 if form.is_bound else 200
    )


@require_GET
def practice(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    locations = Location.objects.filter(practice_id=actor.practice_id).prefetch_related(
        Prefetch("rooms", Room.objects.order_by("name"))
    )
    staff = (
        StaffMember.objects.filter(practice_id=actor.practice_id, is_active=True)
        .select_related("user")
        .prefetch_related("roles", "licenses")
    )
    return render(request, "people/practice.html", {"locations": locations, "staff": staff})
