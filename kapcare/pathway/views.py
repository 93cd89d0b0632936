"""Pathway pages: the treatment plan, consents, the diagnoses and the medical page
(screening, clearance, dose orders).

Thin: clients are reached through ``people.access`` (and ``pathway.access``); every
change goes through ``pathway.services``, so a page refuses exactly what the API
refuses, in the same words.
"""

import datetime as dt
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.pathway import forms, services
from kapcare.pathway.access import access_consent, access_diagnosis
from kapcare.pathway.forms import (
    ConsentForm,
    DiagnosisForm,
    PlanForm,
    ResolveDiagnosisForm,
    RevokeForm,
)
from kapcare.pathway.models import Diagnosis, TreatmentPlan
from kapcare.pathway.vocabulary import (
    ClearanceStatus,
    ConsentKind,
    PlanFormat,
    PlanStatus,
    PregnancyStatus,
    Route,
    TreatmentModality,
)
from kapcare.people.access import Actor, access_client, deny, staff_actor
from kapcare.people.models import Client
from kapcare.people.policy import Category, Role


def _chart_url(client_id: int) -> str:
    return reverse("people:client-chart", args=[client_id]) + "#plan"


@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    action = AuditAction.UPDATE if request.method == "POST" else AuditAction.READ
    client = access_client(actor, client_id, Category.CLINICAL, action=action, detail="page:plan")
    current = TreatmentPlan.objects.filter(client=client).first()
    initial: dict[str, Any] = {"format": PlanFormat.ONGOING.value, "modalities": ["kap"]}
    if current is not None:
        initial = {
            "format": current.format,
            "modalities": [m.value for m in current.modalities],
            "relational_goals": current.relational_goals,
            "planned_preparation_count": current.planned_preparation_count,
            "review_due_on": current.review_due_on,
        }
    form = PlanForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submitted:
            services.record_plan(
                actor=actor,
                client_id=client.pk,
                plan_format=PlanFormat(data["format"]),
                status=PlanStatus(current.status) if current else PlanStatus.ACTIVE,
                modalities=[TreatmentModality(m) for m in data["modalities"]],
                relational_goals=data["relational_goals"],
                planned_preparation_count=data["planned_preparation_count"],
                review_due_on=data["review_due_on"],
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, "The plan was saved.")
            return redirect(_chart_url(client.pk))
    return render(
        request,
        "pathway/plan.html",
        {"form": form, "client": client, "plan": current},
        status=422 if form.is_bound else 200,
    )


@require_POST
def plan_status(request: HttpRequest, client_id: int) -> HttpResponse:
    """Pause, resume or close the plan in one click: no reason is asked ("no pressure")."""
    actor = staff_actor(request)
    # Reading the plan to change its status is a read of clinical data (audited as one);
    # the service checks and audits the change itself.
    client = access_client(actor, client_id, Category.CLINICAL, detail="page:plan-status")
    current = TreatmentPlan.objects.filter(client=client).first()
    wanted = request.POST.get("status", "")
    if current is None or wanted not in {s.value for s in PlanStatus}:
        messages.error(
            request,
            "Write the plan first." if current is None else "Choose pause, resume or close.",
        )
        return HttpResponseRedirect(_chart_url(client.pk), status=303)
    with submitting():
        services.record_plan(
            actor=actor,
            client_id=client.pk,
            plan_format=PlanFormat(current.format),
            status=PlanStatus(wanted),
            modalities=current.modalities,
            now=clock.now(),
        )
    words = {"paused": "paused", "active": "resumed", "closed": "closed"}
    messages.success(request, f"The plan is {words[wanted]}.")
    return redirect(_chart_url(client.pk))


@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    action = AuditAction.CREATE if request.method == "POST" else AuditAction.READ
    client = access_client(
        actor, client_id, Category.CLINICAL, action=action, detail="page:consent"
    )
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": ConsentKind.KAP_INFORMED_CONSENT.value, "signed_on": clock.today()},
    )
    if form.is_bound and form.is_valid():
        with submitting(form) as submitted:
            services.record_consent(
                actor=actor,
                client_id=client.pk,
                kind=ConsentKind(form.cleaned_data["kind"]),
                version=form.cleaned_data["version"],
                signed_on=form.cleaned_data["signed_on"],
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, "The consent was recorded.")
            return redirect(_chart_url(client.pk))
    return render(
        request,
        "pathway/consent_new.html",
        {"form": form, "client": client},
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    actor = staff_actor(request)
    action = AuditAction.UPDATE if request.method == "POST" else AuditAction.READ
    consent, client = access_consent(actor, consent_id, action=action, detail="page:consent")
    form = RevokeForm(
        request.POST if request.method == "POST" else None,
        initial={"revoked_on": clock.today()},
    )
    if form.is_bound and form.is_valid():
        with submitting(form) as submitted:
            services.revoke_consent(
                actor=actor,
                consent_id=consent.pk,
                revoked_on=form.cleaned_data["revoked_on"],
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, "The revocation was recorded.")
            return redirect(_chart_url(client.pk))
    return render(
        request,
        "pathway/consent_revoke.html",
        {"form": form, "client": client, "consent": consent},
        status=422 if form.is_bound else 200,
    )


# --- diagnoses (ICD-10-CM, on the plan) -------------------------------------------------


def _diagnoses_page(
    request: HttpRequest,
    client: Client,
    *,
    form: DiagnosisForm | None = None,
    resolving: tuple[int, ResolveDiagnosisForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = list(Diagnosis.objects.filter(client=client).order_by("noted_on", "id"))
    today = clock.today()
    active = []
    for diagnosis in rows:
        if diagnosis.resolved_on is not None:
            continue
        resolve_form = (
            resolving[1]
            if resolving is not None and resolving[0] == diagnosis.pk
            else ResolveDiagnosisForm(initial={"resolved_on": today})
        )
        resolve_form.prefix = f"resolve-{diagnosis.pk}"
        active.append((diagnosis, resolve_form))
    return render(
        request,
        "pathway/diagnoses.html",
        {
            "client": client,
            "active": active,
            "resolved": [d for d in rows if d.resolved_on is not None],
            "form": form or DiagnosisForm(initial={"noted_on": today}),
            "codes": sorted(services.practice_codes(client.practice_id).items()),
            "may_write": bool(staff_actor(request).roles & services.DIAGNOSING_ROLES),
            "resolve_errors": resolving is not None and bool(resolving[1].errors),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def diagnoses(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client's diagnoses: the active ones (each resolvable), the resolved, and a form
    to add one from the practice's ICD-10-CM list."""
    actor = staff_actor(request)
    posted = request.method == "POST"
    client = access_client(
        actor, client_id, Category.CLINICAL,
        action=AuditAction.CREATE if posted else AuditAction.READ, detail="page:diagnoses",
    )  # fmt: skip
    if not posted:
        return _diagnoses_page(request, client)
    form = DiagnosisForm(request.POST)
    if form.is_valid():
        with submitting(form) as submitted:
            diagnosis = services.record_diagnosis(
                actor=actor,
                client_id=client.pk,
                code=form.cleaned_data["code"],
                noted_on=form.cleaned_data["noted_on"],
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, f"{diagnosis.code} {diagnosis.description} is recorded.")
            return redirect(reverse("pathway:diagnoses", args=[client.pk]))
    return _diagnoses_page(request, client, form=form, status=422)


@require_POST
def diagnosis_resolve(request: HttpRequest, diagnosis_id: int) -> HttpResponse:
    actor = staff_actor(request)
    found, client = access_diagnosis(
        actor, diagnosis_id, action=AuditAction.UPDATE, detail="page:diagnosis-resolve"
    )
    form = ResolveDiagnosisForm(request.POST, prefix=f"resolve-{found.pk}")
    if form.is_valid():
        with submitting(form) as submitted:
            services.resolve_diagnosis(
                actor=actor,
                diagnosis_id=found.pk,
                resolved_on=form.cleaned_data["resolved_on"],
                now=clock.now(),
            )
        if submitted.ok:
            messages.success(request, f"{found.code} is resolved.")
            return redirect(reverse("pathway:diagnoses", args=[client.pk]))
    return _diagnoses_page(request, client, resolving=(found.pk, form), status=422)


# --- the medical page (screening, clearance, dose orders) ------------------------------


def _medical_forms(
    summary: services.MedicalSummary, data: Any = None, which: str = ""
) -> dict[str, django_forms.Form]:
    relative = (
        [(f.code, f.message) for f in summary.evaluation.relative] if summary.evaluation else []
    )
    screening_initial: dict[str, Any] = {}
    latest = summary.screening
    if latest is not None:
        screening_initial = {
            "history": latest.history,
            "medications": latest.medications,
            "pregnancy_status": latest.pregnancy_status,
            "baseline_systolic": latest.baseline_systolic,
            "baseline_diastolic": latest.baseline_diastolic,
            "baseline_heart_rate": latest.baseline_heart_rate,
            "baseline_spo2": latest.baseline_spo2,
            "baseline_weight_kg": latest.baseline_weight_kg,
        }
        for answer in latest.answers.all():
            key = answer.code.removeprefix("contraindication.")
            screening_initial[f"answer_{key}"] = answer.answer
            screening_initial[f"notes_{key}"] = answer.notes
    return {
        "screening": forms.ScreeningForm(
            data if which == "screening" else None,
            prefix="screening",
            items=services.screening_items(),
            initial=screening_initial or {"pregnancy_status": PregnancyStatus.UNKNOWN.value},
        ),
        "clearance": forms.ClearanceForm(
            data if which == "clearance" else None,
            prefix="clearance",
            relative=relative,
            initial={"valid_until": summary.today + dt.timedelta(days=180)},
        ),
        "dose_order": forms.DoseOrderForm(
            data if which == "dose_order" else None,
            prefix="order",
            initial={"route": Route.SUBLINGUAL.value},
        ),
    }


def _apply_medical(actor: Actor, client_id: int, which: str, form: django_forms.Form) -> str:
    now = clock.now()
    c = form.cleaned_data
    if which == "screening":
        if not isinstance(form, forms.ScreeningForm):
            raise TypeError(form)
        record, _ = services.record_screening(
            actor=actor,
            client_id=client_id,
            data=services.ScreeningInput(
                answers=form.answers(),
                pregnancy_status=PregnancyStatus(c["pregnancy_status"]),
                history=c["history"],
                medications=c["medications"],
                baseline_systolic=c["baseline_systolic"],
                baseline_diastolic=c["baseline_diastolic"],
                baseline_heart_rate=c["baseline_heart_rate"],
                baseline_spo2=c["baseline_spo2"],
                baseline_weight_kg=c["baseline_weight_kg"],
            ),
            now=now,
        )
        return f"Screening version {record.version} recorded."
    if which == "clearance":
        if not isinstance(form, forms.ClearanceForm):
            raise TypeError(form)
        services.record_clearance(
            actor=actor,
            client_id=client_id,
            status=ClearanceStatus(c["status"]),
            valid_until=c["valid_until"],
            note=c["note"],
            justifications=form.justifications(),
            now=now,
        )
        return "Clearance recorded."
    services.record_dose_order(
        actor=actor,
        client_id=client_id,
        route=Route(c["route"]),
        dose_mg=c["dose_mg"],
        max_dose_mg=c["max_dose_mg"],
        active_from=c["active_from"],
        active_to=c["active_to"],
        now=now,
    )
    return "Dose order recorded."


@require_http_methods(["GET", "POST"])
def medical(request: HttpRequest, client_id: int) -> HttpResponse:
    """Medical screening (with its evaluation), clearance and dose orders of a client."""
    actor = staff_actor(request)
    summary = services.get_medical_summary(actor=actor, client_id=client_id, today=clock.today())
    may_write = actor.has_role(Role.MEDICAL_PROVIDER)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST" and (
        not may_write or which not in ("screening", "clearance", "dose_order")
    ):
        raise deny(
            actor, client_id=summary.client.pk, category=Category.MEDICAL,
            action=AuditAction.CREATE, detail=f"page:medical:{which[:20]}",
        )  # fmt: skip
    page_forms = _medical_forms(summary, request.POST if which else None, which)
    reasons: list[Any] = []
    if which:
        form = page_forms[which]
        if form.is_valid():
            with submitting(
                form, refused=lambda refused: reasons.extend(refused.violations)
            ) as submitted:
                message = _apply_medical(actor, summary.client.pk, which, form)
            if submitted.ok:
                messages.success(request, message)
                return redirect(
                    reverse("pathway:medical", args=[summary.client.pk])
                    + f"#{which.replace('_', '-')}"
                )
    return render(
        request,
        "pathway/medical.html",
        {
            "summary": summary,
            "client": summary.client,
            "forms": page_forms,
            "which": which,
            "reasons": reasons,
            "may_write": may_write,
            "measured_items": services.measured_items(),
            "routes": [r.value for r in Route],
        },
        status=422 if which else 200,
    )
