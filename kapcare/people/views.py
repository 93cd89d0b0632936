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
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.people import policy, services
from kapcare.people.access import (
    Actor,
    access_client,
    actor_for_request,
    allowed_categories,
    deny,
    may_access,
    may_change_care_team,
    may_edit_demographics,
    one_page_view,
    sees_pathway_stage,
    staff_actor,
    visible_clients,
)
from kapcare.people.duplicates import DUPLICATE_MESSAGE, PossibleDuplicate
from kapcare.people.forms import (
    CareTeamAddForm,
    CareTeamRemoveForm,
    ClientCreateForm,
    ClientForm,
    ClientSearchForm,
)
from kapcare.people.models import (
    CareTeamMember,
    Client,
    EmergencyAccess,
    Location,
    Room,
    StaffMember,
)
from kapcare.people.policy import Category
from kapcare.people.search import search_clients
from kapcare.people.stage_query import (
    STAGE_ANNOTATION,
    stage_of,
    with_stage,
    with_stage_by_lookup,
)
from kapcare.people.vocabulary import PathwayStage

# Safety data (risk flags) is the least every chart shows, so it is the chart's
# gate: clinicians and monitors on the care team pass, front desk does not.
CHART_CATEGORY = Category.SAFETY

HOME_PAGE_SIZE = 100
# The chart's care team panel lists the latest changes; the care team page lists them all.
RECENT_TEAM_CHANGES = 3


@dataclass(frozen=True)
class StageStep:
    """A pathway stage with its place on the pathway (1 to 7)."""

    value: str
    label: str
    number: int


STAGES = tuple(
    StageStep(value=s.value, label=s.label, number=n) for n, s in enumerate(PathwayStage, start=1)
)
STEP_OF = {step.value: step for step in STAGES}


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    client: Client
    stage: StageStep | None  # None: the reader does not see stages (the privacy officer)
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


def _stage_counts(
    clients: QuerySet[Client], *, query: str, current: str | None
) -> list[StageCount]:
    counts = dict(
        with_stage(clients.order_by())
        .values_list(STAGE_ANNOTATION)
        .annotate(n=Count("pk"))
        .values_list(STAGE_ANNOTATION, "n")
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
    shows_stage = policy.list_shows_pathway_stage(actor.roles)
    # A stage filter from someone who does not see stages would reveal them by count.
    stage: str | None = (search.cleaned_data.get("stage") or None) if shows_stage else None

    matching = search_clients(visible_clients(actor), query)
    shown = with_stage(matching) if shows_stage else matching
    if stage:
        shown = shown.filter(**{STAGE_ANNOTATION: stage})
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
                ClientRow(
                    client=c,
                    stage=STEP_OF[getattr(c, STAGE_ANNOTATION)] if shows_stage else None,
                    opens_chart=c.pk in charts,
                )
                for c in clients
            ],
            "stage_counts": _stage_counts(matching, query=query, current=stage)
            if shows_stage
            else [],
            "shows_stage": shows_stage,
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
            "emergency_to_review": EmergencyAccess.objects.filter(
                practice_id=actor.practice_id, reviewed_at__isnull=True
            ).count()
            if policy.may_review_emergency_access(actor.roles)
            else 0,
            "may_create": policy.may_create_clients(actor.roles),
        },
        status=422 if search.errors else 200,
    )


def _client_with_team(client: Client) -> Client:
    # The record was already checked by access_client; this only adds the team.
    return Client.objects.prefetch_related(_team_prefetch()).get(pk=client.pk)


def _part_client(clients: QuerySet[Client]) -> QuerySet[Client]:
    # A part's one read of the client: its portal account and care team come with it (the
    # team also answers whether the actor is on it).
    return clients.select_related("portal_account").prefetch_related(_team_prefetch())


def _chart_client(clients: QuerySet[Client]) -> QuerySet[Client]:
    # The chart's: the same, and the stage its head shows.
    return with_stage_by_lookup(_part_client(clients))


def _team_panel(actor: Actor, client: Client) -> dict[str, object]:
    """What the care team panel shows besides the team: its latest changes (one query)."""
    changes = list(services.care_team_changes(client)[: RECENT_TEAM_CHANGES + 1])
    return {
        "team_changes": changes[:RECENT_TEAM_CHANGES],
        "more_team_changes": len(changes) > RECENT_TEAM_CHANGES,
        "may_change_team": may_change_care_team(actor, client.pk),
    }


def _sees(categories: frozenset[Category]) -> dict[str, bool]:
    """Which categories' panels the chart and its parts show (``sees.clinical``...)."""
    return {c.value: c in categories for c in Category}


def _head_context(
    actor: Actor, client: Client, categories: frozenset[Category]
) -> dict[str, object]:
    """What the client's head (name, age, stage, tabs) needs: on the chart, its parts and
    the record's own pages. The stage comes with the client where the read asked for it."""
    stage = None
    if sees_pathway_stage(actor, client.pk):
        stage = STEP_OF[getattr(client, STAGE_ANNOTATION, None) or stage_of(client.pk)]
    return {
        "client": client,
        "age": _age(client.date_of_birth, clock.today()),
        "stages": STAGES,
        "stage": stage,
        "sees": _sees(categories),
        "may_bill": policy.may_bill(actor.roles) and Category.SCHEDULE in categories,
        "opens_chart": CHART_CATEGORY in categories,
    }


@require_GET
def client_chart(request: HttpRequest, client_id: int) -> HttpResponse:
    """The chart: who the client is, where they are on the pathway, their care team and
    their safety flags, in a handful of queries whatever the history; the record's
    other panels are its parts (``CHART_PARTS``), each its own request, which the page's
    script loads into it and which open as pages of their own without script."""
    actor = staff_actor(request)
    # Every panel's read audited in one write; the client read once.
    with one_page_view(actor, client_query=_chart_client):
        client = access_client(actor, client_id, CHART_CATEGORY, detail="page:chart")
        categories = allowed_categories(actor, client.pk)
        context = _head_context(actor, client, categories)
        seen = {c.value for c in categories}
        parts = [
            {
                "key": part.key,
                "heading": part.heading,
                "url": reverse(f"people:client-chart-{part.key}", args=[client.pk]),
            }
            for part in CHART_PARTS
            if part.categories & seen
        ]
        return render(
            request,
            "people/chart.html",
            {**context, "parts": parts, **_team_panel(actor, client)},
        )


@dataclass(frozen=True)
class ChartPart:
    """A group of the chart's panels loaded by a request of its own."""

    key: str  # its URL's last segment and its section's id
    heading: str
    template: str
    categories: frozenset[str]  # the chart shows its place if the actor sees any of these


CHART_PARTS = (
    ChartPart(
        key="treatment",
        heading="Treatment, sessions and measures",
        template="people/_chart_treatment.html",
        categories=frozenset(
            c.value
            for c in (
                Category.CLINICAL,
                Category.SCHEDULE,
                Category.MEDICAL,
                Category.MEDICINE_SESSION,
            )
        ),
    ),
    ChartPart(
        key="notes",
        heading="Notes, intake and portal",
        template="people/_chart_notes.html",
        categories=frozenset(
            c.value
            for c in (
                Category.DEMOGRAPHICS,
                Category.CLINICAL,
                Category.PSYCHOTHERAPY_NOTES,
            )
        ),
    ),
)
PART_OF = {part.key: part for part in CHART_PARTS}

# The chart's script asks for a part with this header and gets its panels alone; a
# link (no script) gets them as a page under the client's head.
PART_HEADER = "X-KapCare-Chart-Part"


def _chart_part(request: HttpRequest, client_id: int, key: str) -> HttpResponse:
    actor = staff_actor(request)
    part = PART_OF[key]
    # The script asks for the panels alone: no client's head, so no stage or age to read.
    fragment = request.headers.get(PART_HEADER) == "1"
    with one_page_view(actor, client_query=_part_client if fragment else _chart_client):
        client = access_client(actor, client_id, CHART_CATEGORY, detail=f"page:chart_{key}")
        categories = allowed_categories(actor, client.pk)
        if fragment:
            context: dict[str, object] = {"client": client, "sees": _sees(categories)}
        else:
            context = _head_context(actor, client, categories)
        response = render(
            request,
            part.template if fragment else "people/chart_part.html",
            {**context, "part": part},
        )
        # The same URL answers two ways: a cache must keep them apart.
        patch_vary_headers(response, (PART_HEADER,))
        return response


@require_GET
def client_chart_treatment(request: HttpRequest, client_id: int) -> HttpResponse:
    return _chart_part(request, client_id, "treatment")


@require_GET
def client_chart_notes(request: HttpRequest, client_id: int) -> HttpResponse:
    return _chart_part(request, client_id, "notes")


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
        with submitting(form) as submitted:
            if changes:
                services.update_client(actor=actor, client_id=client.pk, changes=changes)
        if submitted.ok:
            messages.success(request, "Details saved." if changes else "Nothing was changed.")
            return redirect("people:client-profile", client_id=client.pk)
    # The instance holds the submitted (unsaved) values now; show what is stored.
    client = _client_with_team(client)
    categories = allowed_categories(actor, client.pk)
    return render(
        request,
        "people/profile.html",
        {
            **_head_context(actor, client, categories),
            "form": form if may_edit else None,
            **_team_panel(actor, client),
        },
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def client_care_team(request: HttpRequest, client_id: int) -> HttpResponse:
    """Who is on the client's care team, its history, and (for those who may) the forms that
    add someone or take someone off it, each with a reason."""
    actor = staff_actor(request)
    client = access_client(actor, client_id, Category.DEMOGRAPHICS, detail="page:care_team")
    may_change = may_change_care_team(actor, client.pk)
    change = request.POST.get("change") if request.method == "POST" else None
    if request.method == "POST" and (not may_change or change not in {"added", "removed"}):
        raise deny(
            actor,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            action=AuditAction.UPDATE,
            detail="page:care_team",
        )
    add_form = CareTeamAddForm(
        request.POST if change == "added" else None, practice_id=actor.practice_id, client=client
    )
    remove_form = CareTeamRemoveForm(request.POST if change == "removed" else None, client=client)
    form = add_form if change == "added" else remove_form
    if form.is_bound and form.is_valid():
        staff = form.cleaned_data["staff"]
        with submitting(form) as submitted:
            if form is add_form:
                services.add_care_team_member(
                    actor=actor,
                    client_id=client.pk,
                    staff_id=staff.pk,
                    role=form.cleaned_data["role"],
                    reason=form.cleaned_data["reason"],
                )
            else:
                services.remove_care_team_member(
                    actor=actor,
                    client_id=client.pk,
                    staff_id=staff.pk,
                    reason=form.cleaned_data["reason"],
                )
        if submitted.ok:
            joined = form is add_form
            messages.success(
                request,
                f"{staff.name} {'joined' if joined else 'left'} the care team.",
            )
            if not joined and not may_access(actor, client.pk, Category.DEMOGRAPHICS):
                return redirect("home")  # they took themselves off the team
            return redirect("people:client-care-team", client_id=client.pk)
    client = _client_with_team(client)
    categories = allowed_categories(actor, client.pk)
    return render(
        request,
        "people/care_team.html",
        {
            **_head_context(actor, client, categories),
            "add_form": add_form if may_change else None,
            "remove_form": remove_form if may_change and client.care_team.all() else None,
            "changes": list(services.care_team_changes(client)),
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
        fields = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"care_team", "confirm_duplicate"}
        }
        try:
            with submitting(form) as submitted:
                client = services.create_client(
                    actor=actor,
                    fields=fields,
                    care_team=[s.pk for s in form.cleaned_data["care_team"]],
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                )
        except PossibleDuplicate as duplicate:
            form.duplicate_ids = duplicate.existing_ids
            form.add_error("confirm_duplicate", DUPLICATE_MESSAGE)
            on_file = visible_clients(actor).filter(pk__in=duplicate.existing_ids)
            return render(
                request,
                "people/client_new.html",
                {"form": form, "on_file": list(on_file.values_list("pk", flat=True))},
                status=409,
            )
        if submitted.ok:
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
