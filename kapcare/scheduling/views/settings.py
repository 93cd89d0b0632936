"""The practice's scheduling settings page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.people import policy
from kapcare.people.access import deny, staff_actor
from kapcare.people.policy import Category
from kapcare.scheduling.facts import get_settings
from kapcare.scheduling.forms.settings import SettingsForm
from kapcare.scheduling.practice_settings import setting_rows
from kapcare.scheduling.services import settings as settings_services


@require_http_methods(["GET", "POST"])
def practice_settings(request: HttpRequest) -> HttpResponse:
    """Booking-rule settings: everyone on the staff may read them, front desk changes them."""
    actor = staff_actor(request)
    may_change = policy.may_change_scheduling_settings(actor.roles)
    if request.method == "POST" and not may_change:
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.UPDATE, detail="page:settings"
        )
    stored = get_settings(actor.practice_id)
    rows = setting_rows(stored.overrides)
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        rows=rows,
        initial={"reminder_hours_before": stored.reminder_hours_before},
    )
    if form.is_bound and form.is_valid():
        with submitting(form) as submitted:
            settings_services.update_settings(
                actor=actor,
                values=form.changed_values(),
                reason=form.cleaned_data["reason"],
                reminder_hours_before=form.cleaned_data["reminder_hours_before"],
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, "The scheduling settings are saved.")
            return redirect("scheduling:practice-settings")
    return render(
        request,
        "scheduling/settings_practice.html",
        {"form": form, "rows": rows, "may_change": may_change, "stored": stored},
        status=422 if form.is_bound else 200,
    )
