"""The audit log page, for the privacy officer."""

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kapcare.audit.access import audit_events_for
from kapcare.audit.models import AuditAction
from kapcare.people.access import NotFound, actor_for_request


class AuditFilterForm(forms.Form):
    client = forms.IntegerField(required=False, min_value=1, label="Client id")
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditAction.choices], label="Action"
    )
    on = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )


def audit_log(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    if actor is None:
        raise NotFound
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    day: dt.date | None = filters.get("on")
    since = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None
    events = audit_events_for(
        actor,
        client_id=filters.get("client"),
        action=filters.get("action") or None,
        since=since,
        until=since + dt.timedelta(days=1) if since else None,
        detail="page:audit_log",
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"form": form, "page": page})
