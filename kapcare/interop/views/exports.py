"""/exports/: start a bulk export and follow it to its files (the FHIR $export, on a page).

Thin: ``exports.start_export`` queues the job (audited); the page lists the person's own
jobs with a progress bar that a small script keeps current from the job's status URL.
"""

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kapcare.core import clock
from kapcare.core.form_inputs import InputRules
from kapcare.interop.exports import start_export
from kapcare.interop.models import ExportJob, ExportLevel, ExportStatus
from kapcare.interop.records import CLIENT_TYPES, PRACTICE_TYPES
from kapcare.people.access import staff_actor

RECENT = 10


class ExportForm(InputRules, forms.Form):
    level = forms.ChoiceField(
        label="What to export",
        choices=[
            (ExportLevel.PATIENT.value, "The clients' records I may see"),
            (
                ExportLevel.SYSTEM.value,
                "Those records and the practice's own (staff, places, measures)",
            ),
        ],
        initial=ExportLevel.PATIENT.value,
        widget=forms.RadioSelect,
    )
    types = forms.MultipleChoiceField(
        label="Only these kinds of record",
        required=False,
        choices=[(t, t) for t in sorted(CLIENT_TYPES | PRACTICE_TYPES)],
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Leave all unticked for every kind. Practice records come only with the "
            "second choice above."
        ),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("level") == ExportLevel.PATIENT
            and set(data.get("types") or ()) & PRACTICE_TYPES
        ):
            self.add_error(
                "types",
                "Staff, places and measures come only with the practice's own records: "
                "choose the second option above, or untick them.",
            )
        return data


@require_http_methods(["GET", "POST"])
def exports_page(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start_export(
            actor=actor,
            level=ExportLevel(form.cleaned_data["level"]),
            types=list(form.cleaned_data["types"]),
            now=clock.now(),
        )
        return HttpResponseRedirect(reverse("interop:exports"), status=303)
    jobs = list(
        ExportJob.objects.filter(requested_by=actor.staff)
        .prefetch_related("files")
        .order_by("-requested_at", "-id")[:RECENT]
    )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "interop/exports.html",
        {"form": form, "jobs": jobs, "running": {ExportStatus.QUEUED, ExportStatus.RUNNING}},
        status=status,
    )
