"""Pages for measures: the client's completion link (public) and staff entry from the chart.

Thin: every read goes through ``people.access`` / ``measures.access`` and every
change through ``measures.services``. The public pages show no client data: the
token in the URL is the only key, and a wrong, used or expired one gets a plain page.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error, submitting
from kapcare.measures import services
from kapcare.measures.access import client_record
from kapcare.measures.definitions import Instrument
from kapcare.measures.forms import AssignForm, LinkForm, ReviewForm
from kapcare.measures.models import MeasureResponse, RiskFlag, Schedule
from kapcare.measures.questionnaire import (
    Answered,
    QuestionForm,
    answered,
    build_form,
    read_answers,
)
from kapcare.measures.registry import UnknownInstrument, get_instrument
from kapcare.measures.services.assignment_mail import has_portal_sign_in
from kapcare.people.access import (
    Actor,
    access_client,
    anonymous_source,
    deny,
    staff_actor,
)
from kapcare.people.models import Client
from kapcare.people.policy import Category, may_review_risk_flags

# What the client is told about a link that cannot be used, and its HTTP status.
UNUSABLE = {
    "unknown": (404, "This link does not work", "The address may be incomplete."),
    "expired": (410, "This link has expired", "Links work for a limited time, for privacy."),
    "used": (410, "This link has already been used", "Each link works once, for privacy."),
    "withdrawn": (410, "This link has been withdrawn", "Your care team withdrew this link."),
}


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _chart(client_id: int, section: str) -> str:
    return reverse("people:client-chart", args=[client_id]) + f"#{section}"


def _mark(form: QuestionForm, error: FieldError) -> None:
    """Put an engine error (``answers.3``) on its question, or on the form."""
    index = error.field.removeprefix("answers.")
    for question in form.questions:
        if str(question.index) == index:
            question.error = error.message
            form.errors = [question]
            return
    form.problem = error.message


# --- the client's link (no sign-in) -----------------------------------------------------


def _unusable(request: HttpRequest, reason: str) -> HttpResponse:
    status, heading, why = UNUSABLE[reason]
    return render(
        request,
        "measures/link_unusable.html",
        {"heading": heading, "why": why},
        status=status,
    )


# The token is exchanged for its digest in the session on the first request, and the
# form lives at a URL without it (as Django's password-reset confirmation does): the
# token then appears in no later request line, referrer or 4xx log entry.
SESSION_KEY = "measures_link"


@login_not_required
@never_cache
@require_GET
def complete(request: HttpRequest, token: str) -> HttpResponse:
    digest = services.link_digest(token)
    try:
        services.get_usable_link(digest=digest, now=clock.now())
    except services.LinkUnusable as unusable:
        return _unusable(request, unusable.reason)
    request.session[SESSION_KEY] = digest
    return redirect("measures:complete-form")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def complete_form(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    digest = request.session.get(SESSION_KEY)
    try:
        link = services.get_usable_link(digest=digest if isinstance(digest, str) else None, now=now)
    except services.LinkUnusable as unusable:
        return _unusable(request, unusable.reason)
    instrument = services.instrument_for(link.instrument_code)
    form = build_form(instrument)
    if request.method == "POST":
        answers = read_answers(instrument, form, request.POST)
        if answers is not None:
            try:
                services.record_link_response(
                    digest=link.digest,
                    answers=answers,
                    source=anonymous_source(request),
                    now=now,
                    site_url=_site_url(request),
                )
            except services.LinkUnusable as unusable:
                return _unusable(request, unusable.reason)
            except FieldError as error:
                _mark(form, error)
            else:
                request.session.pop(SESSION_KEY, None)
                return redirect("measures:complete-done")
    return render(
        request,
        "measures/complete.html",
        {"form": form, "expires_at": link.expires_at},
        status=422 if form.invalid else 200,
    )


@login_not_required
@never_cache
@require_GET
def complete_done(request: HttpRequest) -> HttpResponse:
    return render(request, "measures/complete_done.html")


# --- staff pages --------------------------------------------------------------------------


def _instrument_or_404(code: str) -> Instrument:
    try:
        return services.instrument_for(code)
    except FieldError:
        raise Http404("No such measure.") from None


@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, client_id: int, code: str) -> HttpResponse:
    """Staff enter a client's answers from paper."""
    actor = staff_actor(request)
    action = AuditAction.CREATE if request.method == "POST" else AuditAction.READ
    client = access_client(
        actor, client_id, Category.CLINICAL, action=action, detail="page:measure_enter"
    )
    instrument = _instrument_or_404(code)
    form = build_form(instrument)
    if request.method == "POST":
        answers = read_answers(instrument, form, request.POST)
        if answers is not None:
            with submitting(lambda error: _mark(form, error)) as submitted:
                recorded = services.record_response(
                    actor=actor,
                    client_id=client.pk,
                    instrument_code=instrument.code,
                    answers=answers,
                    now=clock.now(),
                    site_url=_site_url(request),
                )
            if submitted.ok:
                flagged = len(recorded.risk_flags)
                messages.success(
                    request,
                    f"The {instrument.code} was recorded."
                    + (
                        f" It raised {flagged} safety flag{'s' if flagged > 1 else ''}: "
                        "review below."
                        if flagged
                        else ""
                    ),
                )
                return redirect(_chart(client.pk, "safety" if flagged else "measures"))
    return render(
        request,
        "measures/enter.html",
        {"form": form, "client": client},
        status=422 if form.invalid else 200,
    )


@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    action = AuditAction.CREATE if request.method == "POST" else AuditAction.READ
    client = access_client(
        actor, client_id, Category.CLINICAL, action=action, detail="page:measure_assign"
    )
    form = AssignForm(
        request.POST if request.method == "POST" else None, initial={"due_on": clock.today()}
    )
    if form.is_bound and form.is_valid():
        try:
            services.assign_measure(
                actor=actor,
                client_id=client.pk,
                instrument_code=form.cleaned_data["instrument"],
                schedule=Schedule(form.cleaned_data["schedule"]),
                due_on=form.cleaned_data["due_on"],
                now=clock.now(),
                site_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except FieldError as error:
            add_field_error(form, error)
        else:
            told = has_portal_sign_in(client.pk)
            messages.success(
                request,
                "The measure was assigned; the client is told by e-mail that it waits in"
                " their portal."
                if told
                else "The measure was assigned.",
            )
            return redirect(_chart(client.pk, "measures"))
    return render(
        request,
        "measures/assign.html",
        {"form": form, "client": client},
        status=422 if form.is_bound else 200,
    )


@require_POST
def end_assignment(request: HttpRequest, client_id: int, assignment_id: int) -> HttpResponse:
    actor = staff_actor(request)
    try:
        services.end_assignment(
            actor=actor, client_id=client_id, assignment_id=assignment_id, now=clock.now()
        )
    except FieldError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The assignment was ended.")
    return redirect(_chart(client_id, "measures"))


@require_http_methods(["GET", "POST"])
def issue_link(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    action = AuditAction.CREATE if request.method == "POST" else AuditAction.READ
    client = access_client(
        actor, client_id, Category.CLINICAL, action=action, detail="page:measure_link"
    )
    form = LinkForm(request.POST if request.method == "POST" else None)
    url = ""
    expires_at = None
    if form.is_bound and form.is_valid():
        try:
            issued = services.issue_link(
                actor=actor,
                client_id=client.pk,
                instrument_code=form.cleaned_data["instrument"],
                valid_for=dt.timedelta(days=form.cleaned_data["valid_for_days"]),
                now=clock.now(),
            )
        except FieldError as error:
            add_field_error(form, error)
        else:
            url = request.build_absolute_uri(reverse("measures:complete", args=[issued.token]))
            expires_at = issued.link.expires_at
    response = render(
        request,
        "measures/link.html",
        {"form": form, "client": client, "url": url, "expires_at": expires_at},
        status=422 if form.is_bound and not url else 200,
    )
    response["Cache-Control"] = "no-store"  # the link is shown once
    return response


def _flag(actor: Actor, client: Client, flag_id: int, action: AuditAction) -> RiskFlag:
    return client_record(
        actor,
        RiskFlag.objects.select_related("response"),
        flag_id,
        client=client,
        category=Category.SAFETY,
        detail="page:risk_flag_review",
        action=action,
    )


@require_http_methods(["GET", "POST"])
def review_flag(request: HttpRequest, client_id: int, flag_id: int) -> HttpResponse:
    actor = staff_actor(request)
    action = AuditAction.UPDATE if request.method == "POST" else AuditAction.READ
    if not may_review_risk_flags(actor.roles):
        # Refused before the client is read, so a refusal never reads as a read.
        raise deny(
            actor,
            client_id=client_id,
            category=Category.SAFETY,
            action=action,
            detail="page:risk_flag_review",
        )
    client = access_client(
        actor, client_id, Category.SAFETY, action=action, detail="page:risk_flag_review"
    )
    flag = _flag(actor, client, flag_id, action)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        with submitting(form) as submitted:
            services.review_flag(
                actor=actor,
                client_id=client.pk,
                flag_id=flag.pk,
                note=form.cleaned_data["note"],
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, "The flag was reviewed.")
            return redirect(_chart(client.pk, "safety"))
    return render(
        request,
        "measures/review.html",
        {"form": form, "client": client, "flag": flag, "answers": _answers_of(flag.response)},
        status=422 if form.is_bound else 200,
    )


def _answers_of(response: MeasureResponse) -> list[Answered]:
    """The answers that raised the flag, in words (none when the instrument's version is
    no longer known: the score and the flag still show)."""
    try:
        instrument = get_instrument(response.instrument_code, version=response.instrument_version)
    except UnknownInstrument:
        return []
    return answered(instrument, response.answers)


@require_POST
def withdraw_link(request: HttpRequest, client_id: int, link_id: int) -> HttpResponse:
    actor = staff_actor(request)
    try:
        services.withdraw_link(actor=actor, client_id=client_id, link_id=link_id, now=clock.now())
    except FieldError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The link was withdrawn.")
    return redirect(_chart(client_id, "measures"))
