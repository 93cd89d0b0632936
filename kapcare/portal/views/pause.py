"""Pause: "I'd like to pause", at any time, with an optional note. No pressure."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error
from kapcare.pathway.models import TreatmentPlan
from kapcare.pathway.vocabulary import PlanStatus
from kapcare.people.policy import Category
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.forms import PauseForm
from kapcare.portal.services.pause import ask_to_pause

UNPROCESSABLE = 422


@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.CLINICAL, detail="portal:pause")
    form = PauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ask_to_pause(actor=actor, note=form.cleaned_data["note"], now=clock.now())
        except FieldError as error:
            add_field_error(form, error)
        else:
            messages.success(
                request,
                "Your care team has been told. There is no pressure and nothing you need to "
                "do; take the time you need.",
            )
            return redirect("portal:pause")
    plan = TreatmentPlan.objects.filter(client=client).first()
    return render(
        request,
        "portal/pause.html",
        {"form": form, "paused": plan is not None and plan.status == PlanStatus.PAUSED.value},
        status=UNPROCESSABLE if form.errors else 200,
    )
