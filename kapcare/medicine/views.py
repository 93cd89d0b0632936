"""Staff pages: the medicine-session console, its PDF, and the medical page.

Thin: every read and change goes through ``medicine.services`` (and, for clearances
and dose orders, ``scheduling.services``). A POST names its form (``form=vitals``,
...); success redirects back (post/redirect/get), a refusal re-renders the page with
422 and every reason in the error summary.
"""

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.choices import values
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import submitting
from kapcare.core.violations import Violation
from kapcare.medicine import forms, services
from kapcare.medicine.access import SIGNER_ROLES
from kapcare.medicine.pdf import record_pdf_response
from kapcare.medicine.vocabulary import AdverseEventKind, AdverseEventSeverity, SignerRole
from kapcare.pathway.vocabulary import Route
from kapcare.people.access import Actor, deny, staff_actor
from kapcare.people.policy import Category, Role

CONSOLE_FORMS = (
    "checklist",
    "vitals",
    "ack",
    "dose",
    "observation",
    "adverse_event",
    "note",
    "discharge",
    "sign",
    "addendum",
)


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
        "note": forms.TherapistNoteForm(
            bound("note"),
            prefix="note",
            initial={"text": session.therapist_note if session is not None else ""},
        ),
        "addendum": forms.AddendumForm(bound("addendum"), prefix="addendum"),
    }


def _sign_forms(
    actor: Actor, view: services.RecordView, data: Any = None
) -> dict[str, django_forms.Form]:
    """One signing form per role the actor may still sign in; the submitted one bound."""
    posted_role = data.get("role") if data is not None else None
    return {
        r.value: forms.SignForm(
            data if posted_role == r.value else None,
            prefix=f"sign-{r.value}",
        )
        for r in SignerRole
        if SIGNER_ROLES[r] in actor.roles and r.value not in view.signed_roles
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
    if which == "note":
        services.save_therapist_note(
            actor=actor, appointment_id=appointment_id, text=c["text"], now=now
        )
        return "Note saved."
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
            password=c["password"],
            role=SignerRole(role) if role in values(SignerRole) else None,
            now=now,
        )
        return "Signed. The record is locked: changes now go in an addendum."
    if which == "addendum":
        services.add_addendum(actor=actor, appointment_id=appointment_id, text=c["text"], now=now)
        return "Addendum added."
    raise FieldError("form", "Unknown form.")


REASONS_CARD = {"ack": "alerts"}
"""The card a form's refusal shows in, where it is not the form's own (``#adverse-event``)."""


@require_http_methods(["GET", "POST"])
def console(request: HttpRequest, medicine_appointment_id: int) -> HttpResponse:
    """The medicine-session console: checklist, dose, timed vitals, discharge, signing."""
    actor = staff_actor(request)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    reasons: list[Any] = []
    posted: dict[str, django_forms.Form] = {}
    form: django_forms.Form | None = None
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
        signing = _sign_forms(actor, view, request.POST) if which == "sign" else {}
        form = (
            next((f for f in signing.values() if f.is_bound), None)
            if which == "sign"
            else posted.get(which)
        )
        if which == "sign" and form is None:
            # No signing form for that role: signed in it already, or not the actor's role.
            reasons.append(
                Violation(
                    rule="form",
                    message="The record cannot be signed in that role: it is signed in it "
                    "already, or the role is not yours.",
                )
            )
        elif form is None or form.is_valid():
            # A form-less action (acknowledging an alert, signing) shows a field error as a reason.
            with submitting(
                form
                if form is not None
                else lambda error: reasons.append(Violation(rule="form", message=error.message)),
                refused=lambda refused: reasons.extend(refused.violations),
            ) as submitted:
                message = _apply(actor, medicine_appointment_id, which, form, request.POST)
            if submitted.ok:
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
    sign_forms = _sign_forms(actor, view)
    if which == "sign" and form is not None and form.is_bound:
        role = str(request.POST.get("role", ""))
        if role in sign_forms:
            sign_forms[role] = form
    failed = bool(reasons) or any(f.errors for f in [*posted.values(), *sign_forms.values()])
    return render(
        request,
        "medicine/console.html",
        {
            "view": view,
            "client": view.client,
            "forms": page_forms,
            "which": which,
            "reasons": reasons,
            # A refusal is shown inside the card whose form was refused (the form's
            # action scrolls there), not at the top of the page.
            "reasons_card": REASONS_CARD.get(which, which.replace("_", "-")) if reasons else "",
            "may_dose": actor.has_role(Role.MONITOR, Role.MEDICAL_PROVIDER),
            "may_ack": actor.has_role(Role.MEDICAL_PROVIDER),
            "may_note": actor.has_role(Role.THERAPIST),
            "sign_forms": [(SignerRole(r), f) for r, f in sign_forms.items()],
            "zone": view.zone,
        },
        status=422 if failed else 200,
    )


@require_GET
def record_pdf(request: HttpRequest, medicine_appointment_id: int) -> HttpResponse:
    """The printable record (PDF), audited as a print."""
    actor = staff_actor(request)
    view = services.print_record(
        actor=actor, appointment_id=medicine_appointment_id, now=clock.now()
    )
    return record_pdf_response(request, actor, view)
