"""The practice's co-signature setting: which clinicians' session notes need a
supervisor's co-signature, and whose (the practice admin sets it; ``people.policy``)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.notes import services
from kapcare.notes.access import WRITER_ROLES
from kapcare.notes.models import NoteSupervision
from kapcare.people.access import deny, staff_actor
from kapcare.people.models import StaffMember
from kapcare.people.policy import Category, may_set_note_supervision

NONE = ""


def _field(staff: StaffMember, clinicians: list[StaffMember]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=f"{staff}: notes co-signed by",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            (NONE, "No co-signature needed"),
            *((c.pk, str(c)) for c in clinicians if c.pk != staff.pk),
        ],
    )


@require_http_methods(["GET", "POST"])
def supervision(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    if actor.staff is None or not may_set_note_supervision(actor.roles):
        raise deny(actor, category=Category.DEMOGRAPHICS, action=AuditAction.READ,
                   detail="page:note-supervision")  # fmt: skip
    clinicians = list(
        StaffMember.objects.filter(
            practice_id=actor.staff.practice_id,
            is_active=True,
            roles__role__in=[r.value for r in WRITER_ROLES],
        )
        .select_related("user")
        .distinct()
        .order_by("user__full_name", "id")
    )
    current = dict(
        NoteSupervision.objects.filter(staff__in=clinicians).values_list(
            "staff_id", "supervisor_id"
        )
    )
    form = forms.Form(request.POST if request.method == "POST" else None)
    for staff in clinicians:
        form.fields[f"staff_{staff.pk}"] = _field(staff, clinicians)
        form.fields[f"staff_{staff.pk}"].initial = current.get(staff.pk)
    if form.is_bound and form.is_valid():
        changed = 0
        for staff in clinicians:
            wanted = form.cleaned_data[f"staff_{staff.pk}"]
            if wanted == current.get(staff.pk):
                continue
            try:
                services.set_supervision(
                    actor=actor, staff_id=staff.pk, supervisor_id=wanted, now=clock.now()
                )
            except FieldError as error:
                form.add_error(f"staff_{staff.pk}", error.message)
            else:
                changed += 1
        if not form.errors:
            messages.success(request, f"Co-signature settings saved ({changed} changed).")
            return redirect(reverse("notes:supervision"))
    return render(
        request,
        "notes/supervision.html",
        {"form": form},
        status=422 if form.is_bound else 200,
    )
