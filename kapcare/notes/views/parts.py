"""The parts map: every part with its links and its timeline, a form to add one, and a
page to change one."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.notes import queries, services
from kapcare.notes.access import CLINICAL, access_part
from kapcare.notes.forms import PartForm
from kapcare.notes.models import Part
from kapcare.notes.services.parts import PartChanges
from kapcare.notes.timeline import Step, ordinals, timeline
from kapcare.notes.vocabulary import (
    PERMISSION_LABELS,
    ROLE_LABELS,
    UNBURDENING_LABELS,
    NoteKind,
    PartRole,
    Permission,
    UnburdeningStep,
)
from kapcare.people.access import access_client, staff_actor
from kapcare.people.models import Client
from kapcare.scheduling.models import Appointment


def _changes(data: dict[str, Any]) -> PartChanges:
    return PartChanges(
        name=data["name"],
        role=PartRole(data["role"]),
        body_location=data["body_location"],
        age_it_feels=data["age_it_feels"],
        burdens=data["burdens"],
        fears=data["fears"],
        feeling_toward=data["feeling_toward"],
        permission=Permission(data["permission"]),
        unburdening_steps=[UnburdeningStep(s) for s in data["unburdening_steps"]],
        protects=[int(p) for p in data["protects"]],
    )


def _timelines(client: Client, parts: list[Part]) -> dict[int, list[Step]]:
    sessions = Appointment.objects.filter(client=client).exclude(status="cancelled")
    numbers = ordinals(sessions.values_list("pk", "kind", "start"))
    return {
        part.pk: timeline(
            [
                (
                    a.note_id,
                    a.note.appointment_id,
                    NoteKind(a.note.kind),
                    a.note.appointment.start,
                    a.what_shifted,
                )
                for a in part.appearances.all()
            ],
            numbers,
        )
        for part in parts
    }


@require_http_methods(["GET", "POST"])
def parts_map(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    posted = request.method == "POST"
    client = access_client(
        actor, client_id, CLINICAL,
        action=AuditAction.CREATE if posted else AuditAction.READ, detail="page:parts",
    )  # fmt: skip
    parts = list(queries.parts_of(client))
    form = PartForm(request.POST if posted else None, others=parts)
    if form.is_bound and form.is_valid():
        with submitting(form) as submitted:
            services.record_part(
                actor=actor, client_id=client.pk, changes=_changes(form.cleaned_data),
                now=clock.now(),
            )  # fmt: skip
        if submitted.ok:
            messages.success(request, "The part is on the map.")
            return redirect(reverse("notes:parts", args=[client.pk]))
    return render(
        request,
        "notes/parts.html",
        {
            "client": client,
            "parts": parts,
            "timelines": _timelines(client, parts),
            "form": form,
            "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
            "permission_labels": {p.value: label for p, label in PERMISSION_LABELS.items()},
            "step_labels": {s.value: label for s, label in UNBURDENING_LABELS.items()},
        },
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def part_edit(request: HttpRequest, part_id: int) -> HttpResponse:
    actor = staff_actor(request)
    posted = request.method == "POST"
    part, client = access_part(
        actor, part_id, action=AuditAction.UPDATE if posted else AuditAction.READ,
        detail="page:part",
    )  # fmt: skip
    others = list(Part.objects.filter(client=client).exclude(pk=part.pk).order_by("created_at"))
    initial = {
        "name": part.name, "role": part.role, "body_location": part.body_location,
        "age_it_feels": part.age_it_feels, "burdens": part.burdens, "fears": part.fears,
        "feeling_toward": part.feeling_toward, "permission": part.permission,
        "unburdening_steps": part.unburdening_steps,
        "protects": [str(p.pk) for p in part.protects.all()],
    }  # fmt: skip
    form = PartForm(request.POST if posted else None, others=others, initial=initial)
    if form.is_bound and form.is_valid():
        with submitting(form) as submitted:
            services.update_part(
                actor=actor, part_id=part.pk, changes=_changes(form.cleaned_data),
                now=clock.now(),
            )  # fmt: skip
        if submitted.ok:
            messages.success(request, "The part is saved.")
            return redirect(reverse("notes:parts", args=[client.pk]) + f"#part-{part.pk}")
    return render(
        request,
        "notes/part_edit.html",
        {"client": client, "part": part, "form": form},
        status=422 if form.is_bound else 200,
    )
