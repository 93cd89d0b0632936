"""The audit log page, for the privacy officer.

The log grows while it is read, so pages are keyed by sequence number
("events older than #n"), not by offset: an event never shows up twice or
slips between two pages.
"""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kapcare.audit.access import audit_events_for
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.core.ids import MAX_ID
from kapcare.people.access import NotFound, actor_for_request

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    client = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="Client id")
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditAction.choices], label="Action"
    )
    on = forms.DateField(
        required=False,
        label="Date",
        help_text="A day in the practice's time zone.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    before = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def day_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The chosen day as [start, end) in the practice's zone (DST-safe)."""
        day: dt.date | None = self.cleaned_data.get("on")
        if day is None:
            return None, None
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
        return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    if actor is None:
        raise NotFound
    form = AuditFilterForm(request.GET)
    valid = form.is_valid()
    filters = form.cleaned_data if valid else {}
    since, until = form.day_bounds() if valid else (None, None)
    # Checks the reader (privacy officer only) and records the reading.
    events = audit_events_for(
        actor,
        client_id=filters.get("client"),
        action=filters.get("action") or None,
        since=since,
        until=until,
        detail="page:audit_log",
    )
    if not valid:
        events = events.none()
    before: int | None = filters.get("before")
    shown = list((events.filter(seq__lt=before) if before else events)[: PAGE_SIZE + 1])
    older = shown[PAGE_SIZE - 1].seq if len(shown) > PAGE_SIZE else None
    query = {k: v for k, v in form.data.items() if v and k != "before"} if valid else {}
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "events": shown[:PAGE_SIZE],
            "total": events.count(),
            "filtered": bool(query),
            "newest_url": "?" + urlencode(query) if before else None,
            "older_url": "?" + urlencode({**query, "before": older}) if older else None,
            "denied": AuditOutcome.DENIED,
            "failure": AuditOutcome.FAILURE,
            "zone": timezone.get_current_timezone_name(),
        },
        status=200 if valid else 422,
    )
