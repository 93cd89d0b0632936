"""Questionnaires in the portal: the measures the care team assigned and that are due
now, answered on the same questionnaire form as a completion link, scored and
flag-checked by the measures app (``record_own_response``)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.measures import services as measures
from kapcare.measures.questionnaire import QuestionForm, build_form, read_answers
from kapcare.people.policy import Category
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.tasks_list import NotDueNow, open_questionnaire, questionnaire_tasks

# Whether the last questionnaire sent raised a safety flag (shown once, then dropped).
FLAGGED = "portal_measure_flagged"


def _mark(form: QuestionForm, error: FieldError) -> None:
    """Put an engine error (``answers.3``) on its question, or on the form."""
    index = error.field.removeprefix("answers.")
    for question in form.questions:
        if str(question.index) == index:
            question.error = error.message
            form.errors = [question]
            return
    form.problem = error.message


@require_GET
def questionnaires(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.CLINICAL, detail="portal:questionnaires")
    return render(
        request,
        "portal/questionnaires.html",
        {"tasks": questionnaire_tasks(client, now=clock.now())},
    )


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, task_id: int) -> HttpResponse:
    """``task_id`` is the client's own measure assignment (the portal calls them tasks)."""
    actor = portal_actor(request)
    now = clock.now()
    client = own_client(actor, Category.CLINICAL, detail="portal:questionnaire")
    try:
        assignment, instrument = open_questionnaire(
            actor, client, task_id, now=now, detail="portal:questionnaire"
        )
    except NotDueNow:
        return render(request, "portal/questionnaire_not_due.html", status=410)
    form = build_form(instrument)
    if request.method == "POST":
        answers = read_answers(instrument, form, request.POST)
        if answers is not None:
            try:
                recorded = measures.record_own_response(
                    actor=actor,
                    assignment_id=assignment.pk,
                    answers=answers,
                    now=now,
                    site_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except FieldError as error:
                _mark(form, error)
            else:
                request.session[FLAGGED] = bool(recorded.risk_flags)
                return redirect("portal:questionnaire-done")
    return render(
        request, "portal/questionnaire.html", {"form": form}, status=422 if form.invalid else 200
    )


@require_GET
def questionnaire_done(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.CLINICAL, detail="portal:questionnaire-done")
    flagged = bool(request.session.pop(FLAGGED, False))
    return render(
        request,
        "portal/questionnaire_done.html",
        {"flagged": flagged, "tasks": questionnaire_tasks(client, now=clock.now())},
    )
