"""The practice's medicine settings page: every staff member reads, medical providers change.

Thin: changes go through ``settings_services.update_settings`` (validation, audit).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.core.form_inputs import InputRules
from kapcare.core.practice_overrides import SettingRow
from kapcare.medicine.practice_settings import SETTING_NAMES, setting_rows
from kapcare.medicine.services import settings as settings_services
from kapcare.people.access import deny, staff_actor
from kapcare.people.policy import Category


class MedicineSettingsForm(InputRules, forms.Form):
    """One whole-number field per setting, initial from the value in force; a reason."""

    reason = forms.CharField(
        label="Why the change",
        max_length=200,
        help_text="Kept with the new values as their source, and in the audit trail.",
    )

    def __init__(self, *args: Any, rows: list[SettingRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = {row.name: row for row in rows}
        fields: dict[str, forms.Field] = {
            row.name: forms.IntegerField(
                label=row.label, initial=row.value, help_text=f"Default: {row.default}."
            )
            for row in rows
        }
        self.fields = {**fields, "reason": self.fields["reason"]}

    def changed_values(self) -> dict[str, object]:
        """The settings whose value differs from the one in force."""
        return {
            name: self.cleaned_data[name]
            for name in SETTING_NAMES
            if self.cleaned_data.get(name) != self.rows[name].value
        }


@require_http_methods(["GET", "POST"])
def medicine_settings(request: HttpRequest) -> HttpResponse:
    """Medicine-session thresholds: every staff member reads them, medical providers change."""
    actor = staff_actor(request)
    may_change = settings_services.may_change_medicine_settings(actor.roles)
    if request.method == "POST" and not may_change:
        raise deny(
            actor,
            category=Category.MEDICINE_SESSION,
            action=AuditAction.UPDATE,
            detail="page:medicine_settings",
        )
    stored = settings_services.get_settings(actor.practice_id)
    rows = setting_rows(stored.overrides)
    form = MedicineSettingsForm(request.POST if request.method == "POST" else None, rows=rows)
    if form.is_bound and form.is_valid():
        with submitting(form) as submitted:
            settings_services.update_settings(
                actor=actor,
                values=form.changed_values(),
                reason=form.cleaned_data["reason"],
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, "The medicine settings are saved.")
            return redirect("medicine:settings")
    return render(
        request,
        "medicine/settings.html",
        {"form": form, "rows": rows, "may_change": may_change},
        status=422 if form.is_bound else 200,
    )
