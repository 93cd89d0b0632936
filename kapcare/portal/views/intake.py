"""The intake in the portal: saved as a draft as often as the client likes, then sent."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error
from kapcare.people.policy import Category
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.forms import IntakeForm
from kapcare.portal.intake_rules import missing_to_send
from kapcare.portal.models import Intake
from kapcare.portal.services.intake import CONTACT_FIELDS, INTAKE_FIELDS, save_intake


@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.CLINICAL, detail="portal:intake")
    saved = Intake.objects.filter(client=client).first()
    initial = {name: getattr(client, name) for name in CONTACT_FIELDS}
    if saved is not None:
        initial |= {name: getattr(saved, name) for name in INTAKE_FIELDS}
    form = IntakeForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        send = request.POST.get("action") == "send"
        if send:
            for field, message in missing_to_send(form.cleaned_data).items():
                form.add_error(field, message)
        if not form.errors:
            try:
                save_intake(actor=actor, values=form.cleaned_data, send=send, now=clock.now())
            except FieldError as error:
                add_field_error(form, error)
            else:
                messages.success(
                    request,
                    "Thank you. Your intake was sent to your care team."
                    if send
                    else "Saved. Only you can see it until you send it.",
                )
                return redirect("portal:intake")
    return render(
        request,
        "portal/intake.html",
        {"form": form, "intake": saved},
        status=422 if form.is_bound else 200,
    )
