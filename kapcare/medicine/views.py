"""Staff pages: the medicine-session console, its PDF, and the medical page.

Thin: every read and change goes through ``medicine.services`` (and, for clearances
and dose orders, ``scheduling.services``). A POST names its form (``form=vitals``,
...); success redirects back (post/redirect/get), a refusal re-renders the page with
422 and every reason in the error summary.
"""

import datetime as dt
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.form_errors import add_field_error
from kapcare.core.violations import Refused, Violation
from kapcare.medicine import forms, services
from kapcare.medicine.models import AdverseEventKind, AdverseEventSeverity, SignerRole
from kapcare.medicine.pdf import render_record_pdf
from kapcare.pathway.vocabulary import ClearanceStatus, PregnancyStatus, Route
from kapcare.people.access import Actor, NotFound, actor_for_request, deny
from kapcare.people.policy import Category, Role
from kapcare.scheduling import services as scheduling

CONSOLE_FORMS = (
    "checklist",
    "vitals",
    "ack",
    "dose",
    "observation",
    "adverse_event",
    "discharge",
    "sign",
    "addendum",
)


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        raise NotFound
    return actor


def _console_forms(
    view: services.RecordView, data: Any = None, which: str = ""
) -> dict[str, django_forms.Form]:
    """Every form of the console; the submitted one bound to ``data``."""
    zone, now = view.zone, view.now
    session = view.session

    def bound(name: str) -> Any:
        return data if name == which else None

    checklist_initial = (
        {
            "identity_confirmed": session.identity_confirmed,
            "fasting_confirmed": session.fasting_confirmed,
            "escort_name": session.escort_name,
            "no_driving_agreed": session.no_driving_agreed,
            "todays_measures_done": session.todays_measures_done,
            "intention": session.intention,
        }
        if session is not None
        else {}
    )
    dose_initial: dict[str, Any] = {}
    if view.order is not None:
        dose_initial = {
            "route": view.order.route,
            "dose_mg": view.order.dose_mg if not view.rows.doses else None,
        }
    return {
        "checklist": forms.ChecklistForm(
            bound("checklist"),
            prefix="checklist",
            initial=checklist_initial,
            policy=view.policy.session,
        ),
        "vitals": forms.VitalsForm(bound("vitals"), prefix="vitals", zone=zone, now=now),
        "dose": forms.DoseForm(
            bound("dose"),
            prefix="dose",
            zone=zone,
            now=now,
            initial=dose_initial,
            givers=[
                (m.pk, m.display_name)
                for m in view.booked_staff
                if {r.role for r in m.roles.all()} & {"monitor", "medical_provider"}
            ],
        ),
        "observation": forms.ObservationForm(
            bound("observation"), prefix="observation", zone=zone, now=now
        ),
        "adverse_event": forms.AdverseEventForm(
            bound("adverse_event"), prefix="adverse", zone=zone, now=now
        ),
        "discharge": forms.DischargeForm(
            bound("discharge"), prefix="discharge", zone=zone, now=now
        ),
        "addendum": forms.AddendumForm(bound("addendum"), prefix="addendum"),
    }


def _apply(
    actor: Actor, appointment_id: int, which: str, form: django_forms.Form | None, data: Any
) -> str:
    """Run the submitted form's service; answers the success message."""
    now = clock.now()
    c = form.cleaned_data if form is not None else {}
    if which == "checklist":
        services.save_checklist(
            actor=actor,
            appointment_id=appointment_id,
            checklist=services.ChecklistInput(
                identity_confirmed=c["identity_confirmed"],
                fasting_confirmed=c["fasting_confirmed"],
                escort_name=c["escort_name"],
                no_driving_agreed=c["no_driving_agreed"],
                intention=c["intention"],
                todays_measures_done=c["todays_measures_done"],
            ),
            now=now,
        )
        return "Checklist saved."
    if which == "vitals":
        _, alerts = services.record_vitals(
            actor=actor,
            appointment_id=appointment_id,
            at=c["at"],
            systolic=c["systolic"],
            diastolic=c["diastolic"],
            heart_rate=c["heart_rate"],
            spo2=c["spo2"],
            now=now,
        )
        if alerts:
            return "Vitals recorded, out of range: " + " ".join(a.message for a in alerts)
        return "Vitals recorded."
    if which == "ack":
        services.acknowledge_predose(actor=actor, appointment_id=appointment_id, now=now)
        return "Pre-dose blood pressure acknowledged."
    if which == "dose":
        services.record_dose(
            actor=actor,
            appointment_id=appointment_id,
            at=c["at"],
            route=Route(c["route"]),
            dose_mg=c["dose_mg"],
            lot=c["lot"],
            administered_by_id=c["administered_by"],
            now=now,
        )
        return "Dose recorded."
    if which == "observation":
        services.record_observation(
            actor=actor,
            appointment_id=appointment_id,
            at=c["at"],
            dissociation=c["dissociation"],
            sedation=c["sedation"],
            note=c["note"],
            emerged=c["emerged"],
            now=now,
        )
        return "Observation recorded."
    if which == "adverse_event":
        event = services.record_adverse_event(
            actor=actor,
            appointment_id=appointment_id,
            at=c["at"],
            kind=AdverseEventKind(c["kind"]),
            severity=AdverseEventSeverity(c["severity"]),
            action=c["action"],
            provider_notified=c["provider_notified"],
            now=now,
        )
        if event.serious:
            return (
                "Serious adverse event recorded: the chart is flagged and the medical "
                "provider is e-mailed."
            )
        return "Adverse event recorded."
    if which == "discharge":
        services.record_discharge(
            actor=actor,
            appointment_id=appointment_id,
            at=c["at"],
            alert_oriented=c["alert_oriented"],
            steady_gait=c["steady_gait"],
            escort_present=c["escort_present"],
            now=now,
        )
        return "Discharge recorded. Sign the record when it is complete."
    if which == "sign":
        role = data.get("role", "")
        services.sign_record(
            actor=actor,
            appointment_id=appointment_id,
            role=SignerRole(role) if role in SignerRole.values else None,
            now=now,
        )
        return "Signed. The record is locked: changes now go in an addendum."
    if which == "addendum":
        services.add_addendum(actor=actor, appointment_id=appointment_id, text=c["text"], now=now)
        return "Addendum added."
    raise FieldError("form", "Unknown form.")


@require_http_methods(["GET", "POST"])
def console(request: HttpRequest, medicine_appointment_id: int) -> HttpResponse:
    """The medicine-session console: checklist, dose, timed vitals, discharge, signing."""
    actor = _actor(request)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    reasons: list[Any] = []
    posted: dict[str, django_forms.Form] = {}
    if request.method == "POST":
        view = services.get_record(
            actor=actor,
            appointment_id=medicine_appointment_id,
            now=clock.now(),
            detail="page:console",
        )
        if which not in CONSOLE_FORMS:
            raise deny(
                actor, client_id=view.client.pk, category=Category.MEDICINE_SESSION,
                action=AuditAction.UPDATE, detail="page:console:unknown_form",
            )  # fmt: skip
        posted = _console_forms(view, request.POST, which)
        form = posted.get(which)
        if form is None or form.is_valid():
            try:
                message = _apply(actor, medicine_appointment_id, which, form, request.POST)
            except Refused as refused:
                reasons = refused.violations
            except PermissionDenied:  # audited by the service
                raise NotFound from None
            except FieldError as error:
                if form is not None:
                    add_field_error(form, error)
                else:
                    reasons = [Violation(rule="form", message=error.message)]
            else:
                messages.success(request, message)
                return redirect(
                    reverse("medicine:console", args=[medicine_appointment_id])
                    + f"#{which.replace('_', '-')}"
                )
    view = services.get_record(
        actor=actor, appointment_id=medicine_appointment_id, now=clock.now(), detail="page:console"
    )
    page_forms = _console_forms(view)
    page_forms.update(posted)
    failed = bool(reasons) or any(f.errors for f in posted.values())
    return render(
        request,
        "medicine/console.html",
        {
            "view": view,
            "client": view.client,
            "forms": page_forms,
            "which": which,
            "reasons": reasons,
            "may_dose": actor.has_role(Role.MONITOR, Role.MEDICAL_PROVIDER),
            "may_ack": actor.has_role(Role.MEDICAL_PROVIDER),
            "sign_roles": [
                r
                for r in SignerRole
                if services.SIGNER_ROLES[r] in actor.roles and r.value not in view.signed_roles
            ],
            "zone": view.zone,
        },
        status=422 if failed else 200,
    )


@require_GET
def record_pdf(request: HttpRequest, medicine_appointment_id: int) -> HttpResponse:
    """The printable record (PDF), audited as a print."""
    view = services.print_record(
        actor=_actor(request), appointment_id=medicine_appointment_id, now=clock.now()
    )
    response = HttpResponse(render_record_pdf(request, view), content_type="application/pdf")
    # The file name carries ids only, never the client's name.
    response["Content-Disposition"] = (
        f'inline; filename="medicine-record-{view.appointment.pk}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- the medical page (screening, clearance, dose orders) -----------------------------


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
        scheduling.record_clearance(
            actor=actor,
            client_id=client_id,
            status=ClearanceStatus(c["status"]),
            valid_until=c["valid_until"],
            note=c["note"],
            justifications=form.justifications(),
            now=now,
        )
        return "Clearance recorded."
    scheduling.record_dose_order(
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
    actor = _actor(request)
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
            try:
                message = _apply_medical(actor, summary.client.pk, which, form)
            except Refused as refused:
                reasons = refused.violations
            except PermissionDenied:
                raise NotFound from None
            except FieldError as error:
                add_field_error(form, error)
            else:
                messages.success(request, message)
                return redirect(
                    reverse("medicine:medical", args=[summary.client.pk])
                    + f"#{which.replace('_', '-')}"
                )
    return render(
        request,
        "medicine/medical.html",
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
