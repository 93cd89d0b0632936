"""The audit reports, for the privacy officer (ONC 170.315(d)(3)).

``/audit/`` lists the practice's events, filtered by person, client, category, action,
outcome and date range, sorted by any column, and exports what it shows as CSV (streamed,
however long) or PDF; the export itself is audited. ``/audit/clients/<id>/`` answers
"who looked at this client's record": each person, what they read and when.

Newest first, the log grows while it is read, so its pages are keyed by sequence number
("events older than #n"), not by offset: an event never shows up twice or slips between
two pages. Sorted by another column, the pages are numbered.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from kapcare.audit.access import Category, audit_events_for, practice_people
from kapcare.audit.event_rows import event_rows
from kapcare.audit.exports import DocumentKind, pdf_response
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.core import clock
from kapcare.core.form_inputs import InputRules
from kapcare.core.ids import MAX_ID
from kapcare.core.long_select import LongSelect
from kapcare.people.access import NotFound, access_client, actor_for_request, staff_actor

PAGE_SIZE = 50
# A PDF is read by a person: beyond this many rows it says so and asks for the CSV.
PDF_MAX_ROWS = 2000

# Column -> ordering; each ends on the sequence number, so an order is total and stable.
SORTS: dict[str, tuple[str, ...]] = {
    "seq": ("seq",),
    "at": ("at", "seq"),
    "actor": ("actor__full_name", "actor__email", "seq"),
    "action": ("action", "seq"),
    "outcome": ("outcome", "seq"),
    "client": ("client_id", "seq"),
    "category": ("category", "seq"),
    "detail": ("detail", "seq"),
    "source_ip": ("source_ip", "seq"),
}
COLUMNS = (
    ("seq", "#"),
    ("at", "When"),
    ("actor", "Who"),
    ("action", "Action"),
    ("outcome", "Outcome"),
    ("client", "Client"),
    ("category", "Data"),
    ("detail", "Detail"),
    ("source_ip", "From"),
)
NEWEST_FIRST = "-seq"
SORT_CHOICES = [(f"{sign}{key}", f"{sign}{key}") for key in SORTS for sign in ("", "-")]
CATEGORY_CHOICES = [
    ("", "Any data"),
    ("none", "None (sign-ins)"),
    *((c.value, c.value.replace("_", " ").capitalize()) for c in Category),
]


class AuditFilterForm(InputRules, forms.Form):
    person = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Person", widget=LongSelect
    )
    client = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="Client id")
    category = forms.ChoiceField(required=False, choices=CATEGORY_CHOICES, label="Data")
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditAction.choices], label="Action"
    )
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome"), *AuditOutcome.choices], label="Outcome"
    )
    on = forms.DateField(
        required=False,
        label="On the day",
        help_text="A day in the practice's time zone.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_from = forms.DateField(
        required=False,
        label="From",
        help_text="First day of a range.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        help_text="Last day of the range (included).",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)
    before = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, people: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Anyone"), *people]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The last day cannot come before the first.")
        return data

    def day_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The chosen day or range as [start, end) in the practice's zone (DST-safe)."""
        zone = timezone.get_current_timezone()
        first: dt.date | None = self.cleaned_data.get("on") or self.cleaned_data.get("date_from")
        last: dt.date | None = self.cleaned_data.get("on") or self.cleaned_data.get("date_to")
        start = dt.datetime.combine(first, dt.time(), tzinfo=zone) if first else None
        end = (
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
            if last
            else None
        )
        return start, end


@dataclass(frozen=True)
class Heading:
    key: str
    label: str
    url: str
    sorted: str  # "ascending", "descending" or "" (aria-sort)


def _filtered(
    request: HttpRequest, *, detail: str, audit_action: AuditAction
) -> tuple[AuditFilterForm, QuerySet[AuditEvent], dict[str, str], bool]:
    """The form, the events it selects (the reading audited), the query that made them
    and whether it was valid. An invalid filter selects nothing."""
    actor = actor_for_request(request)
    if actor is None:
        raise NotFound
    people = [(u.pk, f"{u.full_name} ({u.email})") for u in practice_people(actor)]
    form = AuditFilterForm(request.GET, people=people)
    valid = form.is_valid()
    f = form.cleaned_data if valid else {}
    since, until = form.day_bounds() if valid else (None, None)
    category = f.get("category") or None
    # Checks the reader (privacy officer only) and records the reading.
    events = audit_events_for(
        actor,
        client_id=f.get("client"),
        actor_id=f.get("person"),
        action=f.get("action") or None,
        category="" if category == "none" else category,
        outcome=f.get("outcome") or None,
        since=since,
        until=until,
        detail=detail,
        audit_action=audit_action,
    )
    if not valid:
        events = events.none()
    sort = f.get("sort") or NEWEST_FIRST
    if sort != NEWEST_FIRST:
        key = sort.lstrip("-")
        events = events.order_by(*(f"-{c}" if sort.startswith("-") else c for c in SORTS[key]))
    query = (
        {k: str(v) for k, v in form.data.items() if v and k not in ("before", "page", "format")}
        if valid
        else {}
    )
    return form, events, query, valid


def _headings(query: dict[str, str]) -> list[Heading]:
    current = query.get("sort", NEWEST_FIRST)
    headings = []
    for key, label in COLUMNS:
        ascending = current == key
        descending = current == f"-{key}"
        # A first click sorts ascending (newest first stays the default for "#" and "When").
        following = f"-{key}" if ascending or (not descending and key in ("seq", "at")) else key
        target = {**query, "sort": following}
        if following == NEWEST_FIRST:
            target.pop("sort")
        headings.append(
            Heading(
                key=key,
                label=label,
                url="?" + urlencode(target),
                sorted="ascending" if ascending else "descending" if descending else "",
            )
        )
    return headings


def _newest(events: QuerySet[AuditEvent]) -> list[AuditEvent]:
    """The newest ``PAGE_SIZE + 1`` of ``events``, with their actors: the events picked
    alone, by the sequence number's index newest first, then joined to their actors. Asked
    in one query with the join, the planner (trusting the average client's few hundred
    events) joined every event of the client and sorted them all for the page: the cost
    grew with the client's trail, which the benchmark's own reads lengthen."""
    newest = events.order_by("-seq").values("pk")[: PAGE_SIZE + 1]
    return list(AuditEvent.objects.select_related("actor").filter(pk__in=newest).order_by("-seq"))


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    export = request.GET.get("format", "")
    if export in ("csv", "pdf"):
        return _export(request, export)
    form, events, query, valid = _filtered(
        request, detail="page:audit_log", audit_action=AuditAction.READ
    )
    context: dict[str, Any] = {
        "form": form,
        "total": events.count(),
        "filtered": bool({k for k in query if k != "sort"}),
        "headings": _headings(query),
        "denied": AuditOutcome.DENIED,
        "failure": AuditOutcome.FAILURE,
        "zone": timezone.get_current_timezone_name(),
        "csv_url": "?" + urlencode({**query, "format": "csv"}),
        "pdf_url": "?" + urlencode({**query, "format": "pdf"}),
        "newest_url": None,
        "older_url": None,
    }
    if query.get("sort", NEWEST_FIRST) == NEWEST_FIRST:
        before: int | None = form.cleaned_data.get("before") if valid else None
        shown = _newest(events.filter(seq__lt=before) if before else events)
        older = shown[PAGE_SIZE - 1].seq if len(shown) > PAGE_SIZE else None
        context["events"] = shown[:PAGE_SIZE]
        context["newest_url"] = "?" + urlencode(query) if before else None
        context["older_url"] = "?" + urlencode({**query, "before": older}) if older else None
    else:
        page = Paginator(events, PAGE_SIZE).get_page(form.cleaned_data.get("page") if valid else 1)
        context["events"] = list(page)
        if page.has_previous():
            context["newest_url"] = "?" + urlencode({**query, "page": page.previous_page_number()})
        if page.has_next():
            context["older_url"] = "?" + urlencode({**query, "page": page.next_page_number()})
    context["rows"] = event_rows(context["events"])
    return render(request, "audit/log.html", context, status=200 if valid else 422)


CSV_HEADER = (
    "seq",
    "at",
    "actor_email",
    "actor_name",
    "action",
    "outcome",
    "client_id",
    "category",
    "detail",
    "source_ip",
    "hash",
)


class _Echo:
    """A file that hands back what is written: csv.writer row by row, for streaming."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for e in events.iterator(chunk_size=2000):
        yield writer.writerow(
            (
                e.seq,
                e.at.isoformat(),
                e.actor.email if e.actor else "",
                e.actor.full_name if e.actor else "",
                e.action,
                e.outcome,
                e.client_id or "",
                e.category,
                _csv_safe(e.detail),
                e.source_ip or "",
                e.hash,
            )
        )


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _export(request: HttpRequest, kind: str) -> HttpResponse | StreamingHttpResponse:
    form, events, _query, valid = _filtered(
        request, detail=f"export:audit_log:{kind}", audit_action=AuditAction.EXPORT
    )
    if not valid:
        return render(
            request,
            "audit/log.html",
            {"form": form, "events": [], "total": 0, "headings": _headings({}), "zone": ""},
            status=422,
        )
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    if kind == "csv":
        stream = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
        stream["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
        return stream
    rows = list(events[: PDF_MAX_ROWS + 1])
    html = render_to_string(
        "audit/log_pdf.html",
        {
            "events": rows[:PDF_MAX_ROWS],
            "cut": len(rows) > PDF_MAX_ROWS,
            "max_rows": PDF_MAX_ROWS,
            "filters": _filter_summary(form),
            "made_at": timezone.localtime(clock.now()),
            "zone": timezone.get_current_timezone_name(),
        },
    )
    actor = staff_actor(request)
    return pdf_response(
        html,
        kind=DocumentKind.AUDIT_LOG,
        source=actor.audit_source,
        practice_id=actor.practice_id,
        client_id=None,
        category=Category.AUDIT,
        filename=f"audit-log-{stamp}.pdf",
        disposition="attachment",
    )


def _filter_summary(form: AuditFilterForm) -> list[tuple[str, str]]:
    shown = []
    for name in ("person", "client", "category", "action", "outcome", "on", "date_from", "date_to"):
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", ()))
        shown.append((str(field.label), str(choices.get(value, value))))
    return shown


@dataclass(frozen=True)
class Reader:
    """One person who looked at a client's record: how often, what, first and last time."""

    name: str
    email: str
    reads: int
    categories: list[str]
    first: dt.datetime
    last: dt.datetime


@require_GET
def client_access_report(request: HttpRequest, client_id: int) -> HttpResponse:
    """Who looked at this client's record (ONC (d)(3), HIPAA's accounting of access)."""
    actor = actor_for_request(request)
    if actor is None:
        raise NotFound
    events = (
        audit_events_for(
            actor, client_id=client_id, action=AuditAction.READ, detail="page:client_access"
        )
        .filter(outcome=AuditOutcome.SUCCESS)
        .exclude(category=Category.AUDIT)
    )
    # Reading the trail about the client is not reading the record: left out above.
    # Of the reader's practice only (the same audited 404 otherwise); the name heads the page.
    client = access_client(actor, client_id, Category.DEMOGRAPHICS, detail="page:client_access")
    by_person = (
        events.order_by()
        .values("actor_id", "actor__full_name", "actor__email")
        .annotate(reads=Count("seq"), first=Min("at"), last=Max("at"))
        .order_by("-last")
    )
    categories: dict[int | None, set[str]] = {}
    for actor_id, category in events.order_by().values_list("actor_id", "category").distinct():
        categories.setdefault(actor_id, set()).add(category)
    readers = [
        Reader(
            name=row["actor__full_name"] or "",
            email=row["actor__email"] or "",
            reads=row["reads"],
            categories=sorted(c for c in categories.get(row["actor_id"], ()) if c),
            first=row["first"],
            last=row["last"],
        )
        for row in by_person
    ]
    return render(
        request,
        "audit/client_access.html",
        {
            "client": client,
            "readers": readers,
            "log_url": "/audit/?" + urlencode({"client": client_id, "action": "read"}),
            "zone": timezone.get_current_timezone_name(),
        },
    )
