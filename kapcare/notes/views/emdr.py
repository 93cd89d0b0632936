"""EMDR: the client's targets (and a form to add one), and a target's page with its SUD
and VOC chart (the measures' charting), its sessions and a form to record one."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.notes import queries, services
from kapcare.notes.access import CLINICAL, access_emdr_target
from kapcare.notes.charts import sud_voc_chart
from kapcare.notes.forms import EmdrSessionForm, EmdrTargetForm
from kapcare.notes.services.emdr import EmdrSessionIn, EmdrTargetIn
from kapcare.notes.vocabulary import (
    BilateralStimulation,
    Closure,
    EmdrPhase,
    Prong,
)
from kapcare.people.access import access_client, staff_actor


@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    posted = request.method == "POST"
    client = access_client(
        actor, client_id, CLINICAL,
        action=AuditAction.CREATE if posted else AuditAction.READ, detail="page:emdr",
    )  # fmt: skip
    form = EmdrTargetForm(request.POST if posted else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submitted:
            target = services.record_emdr_target(
                actor=actor,
                client_id=client.pk,
                target=EmdrTargetIn(**{**data, "prong": Prong(data["prong"])}),
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, "The target is recorded.")
            return redirect(reverse("notes:emdr-target", args=[target.pk]))
    return render(
        request,
        "notes/emdr.html",
        {"client": client, "targets": list(queries.emdr_targets_of(client)), "form": form},
        status=422 if form.is_bound else 200,
    )


def _zone() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@require_http_methods(["GET", "POST"])
def target(request: HttpRequest, target_id: int) -> HttpResponse:
    actor = staff_actor(request)
    posted = request.method == "POST"
    found, client = access_emdr_target(
        actor, target_id, action=AuditAction.CREATE if posted else AuditAction.READ,
        detail="page:emdr-target",
    )  # fmt: skip
    all_targets = list(queries.emdr_targets_of(client))
    current = next(t for t in all_targets if t.pk == found.pk)
    others = [(t.pk, t.negative_cognition) for t in all_targets if t.pk != current.pk]
    form = EmdrSessionForm(
        request.POST if posted else None,
        targets=others,
        initial={"held_at": timezone.localtime(clock.now()).replace(second=0, microsecond=0)},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        previous = int(data["reevaluated_target"]) if data["reevaluated_target"] else None
        with submitting(form) as submitted:
            services.record_emdr_session(
                actor=actor,
                target_id=current.pk,
                session=EmdrSessionIn(
                    held_at=data["held_at"],
                    phase_reached=EmdrPhase(data["phase_reached"]),
                    sud_start=data["sud_start"], sud_end=data["sud_end"],
                    voc_start=data["voc_start"], voc_end=data["voc_end"],
                    bls_type=BilateralStimulation(data["bls_type"]),
                    bls_sets=data["bls_sets"],
                    closure=Closure(data["closure"]),
                    reevaluated_target_id=previous,
                    reevaluation_sud=data["reevaluation_sud"],
                ),
                now=clock.now(),
            )  # fmt: skip
        if submitted.ok:
            messages.success(request, "The session is recorded.")
            return redirect(reverse("notes:emdr-target", args=[current.pk]))
    sessions = list(current.sessions.all())
    return render(
        request,
        "notes/emdr_target.html",
        {
            "client": client,
            "target": current,
            "sessions": sessions,
            "chart": sud_voc_chart(current, sessions, zone=_zone()),
            "form": form,
        },
        status=422 if form.is_bound else 200,
    )
