"""The emergency access pages: a clinician's request, the privacy officer's review list.

Thin: ``emergency.services`` decides and audits; the page that a grant opens is the
ordinary chart, through ``people.access``.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.audit.models import AuditAction
from kapcare.audit.wording import describe_event
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.form_errors import add_field_error
from kapcare.core.ids import is_record_id
from kapcare.people import policy
from kapcare.people.access import (
    Actor,
    NotFound,
    access_client,
    deny,
    emergency_grant,
    on_care_team,
    staff_actor,
)
from kapcare.people.emergency import services
from kapcare.people.emergency.forms import EmergencyRequestForm, EmergencyReviewForm
from kapcare.people.emergency.rules import ReviewState
from kapcare.people.emergency.tasks import queue_notice
from kapcare.people.models import EmergencyAccess, Practice
from kapcare.people.policy import Category

REVIEW_PAGE_SIZE = 25


@dataclass(frozen=True)
class ReadRow:
    words: str  # "Opened: the client's clinical record, on the chart page"
    times: int
    last_at: dt.datetime


@dataclass(frozen=True)
class ReviewRow:
    access: EmergencyAccess
    state: ReviewState
    reads: list[ReadRow]
    form: EmergencyReviewForm
    error: str | None = None


def _review_form(access_id: int, data: Any = None) -> EmergencyReviewForm:
    # One form per access on the page: the prefix keeps each field's id its own.
    return EmergencyReviewForm(data, prefix=f"access-{access_id}")


def site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _chart(client_id: int) -> str:
    return reverse("people:client-chart", args=[client_id])


@require_http_methods(["GET", "POST"])
def request_access(request: HttpRequest, client_id: int) -> HttpResponse:
    """Ask for emergency access to one client's record; then its chart.

    The page names no client (the person may not see who it is until they ask); it is
    offered from the "not found" page of that client's record.
    """
    actor = staff_actor(request)
    if not policy.may_request_emergency_access(actor.roles) or not is_record_id(client_id):
        raise deny(
            actor,
            client_id=client_id,
            category=Category.DEMOGRAPHICS,
            action=AuditAction.CREATE,
            detail="page:emergency-access",
        )
    if on_care_team(actor, client_id) or emergency_grant(actor, client_id) is not None:
        # Open to them already: the record, through the ordinary (audited) door.
        client = access_client(
            actor, client_id, Category.DEMOGRAPHICS, detail="page:emergency-access"
        )
        return redirect(_chart(client.pk))
    form = EmergencyRequestForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            asked = services.request_emergency_access(
                actor=actor,
                client_id=client_id,
                reason=form.cleaned_data["reason"],
                detail="page:emergency-access",
                on_open=queue_notice(site_url(request)),
            )
        except FieldError as error:
            add_field_error(form, error)
        else:
            messages.info(
                request,
                "Emergency access opened. The privacy officer has been told, and every "
                "page of this record you open is recorded.",
            )
            return redirect(_chart(asked.access.client_id))
    hours = Practice.objects.values_list("emergency_access_hours", flat=True).get(
        pk=actor.practice_id
    )
    return render(
        request,
        "people/emergency_request.html",
        {"form": form, "client_id": client_id, "hours": hours},
        status=422 if form.is_bound else 200,
    )


def _review_context(
    actor: Actor,
    request: HttpRequest,
    *,
    failed: tuple[int, EmergencyReviewForm, str] | None = None,
) -> dict[str, Any]:
    to_review_only = request.GET.get("show") != "all"
    accesses = services.accesses_for_review(
        actor, to_review_only=to_review_only, detail="page:emergency-review"
    )
    page = Paginator(accesses, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for item in services.reads_of(list(page)):
        pk = item.access.pk
        form, error = (failed[1], failed[2]) if failed and failed[0] == pk else (None, None)
        reads = [
            ReadRow(
                words=describe_event(
                    action=AuditAction.READ, category=r.category, detail=r.detail, about_client=True
                ),
                times=r.times,
                last_at=r.last_at,
            )
            for r in item.reads
        ]
        rows.append(
            ReviewRow(item.access, item.state, reads, form or _review_form(pk), error=error)
        )
    return {
        "rows": rows,
        "page": page,
        "show": "to-review" if to_review_only else "all",
        "to_review_only": to_review_only,
        "states": ReviewState,
        "failed_error": failed[2] if failed else None,
    }


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """The privacy officer's list of emergency accesses: who, which client, why, when,
    what was read; each to mark reviewed. Anyone else: the audited 404."""
    actor = staff_actor(request)
    return render(request, "people/emergency_review.html", _review_context(actor, request))


@require_POST
def review(request: HttpRequest, access_id: int) -> HttpResponse:
    actor = staff_actor(request)
    form = _review_form(access_id, request.POST)
    error = ""
    if form.is_valid():
        try:
            services.review_emergency_access(
                actor=actor,
                access_id=access_id,
                note=form.cleaned_data["note"],
                detail="page:emergency-review",
            )
        except FieldError as refused:
            add_field_error(form, refused)
            error = refused.message
        except PermissionDenied:
            raise NotFound from None
        else:
            messages.success(request, "Marked as reviewed.")
            return redirect(reverse("people:emergency-review") + f"#access-{access_id}")
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    context = _review_context(actor, request, failed=(access_id, form, error))
    return render(request, "people/emergency_review.html", context, status=422)
