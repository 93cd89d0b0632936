"""Superbills (page, CSV, PDF from the same HTML), the claim-ready CSV, billing settings.

Each line carries the ICD-10-CM codes of the client's diagnoses active in the period
(codes and their standard descriptions, as a claim needs them).

Billing reads codes and times only, through the client's ``schedule`` category; front
desk, therapists and medical providers bill. The page is audited as a read, the CSV as
an export and the PDF as a print.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.exports import DocumentKind, pdf_response
from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event, record_events
from kapcare.billing.cpt import CODE_LABELS
from kapcare.core import clock
from kapcare.core.form_inputs import InputRules
from kapcare.interop.billing.services import billing_of, fees_of, held_services
from kapcare.interop.billing.superbill import superbill_lines, total, unpriced_codes
from kapcare.interop.models import PracticeBilling
from kapcare.medicine.billing import CPT_FIRST_CLINICIAN, CPT_SECOND_CLINICIAN, CPT_STAFF_CONCURRENT
from kapcare.pathway.models import Diagnosis
from kapcare.people.access import Actor, access_client, deny, staff_actor, visible_clients
from kapcare.people.models import Client, Practice
from kapcare.people.policy import Category, Role, may_bill

FEE_CODES: dict[str, str] = {
    **CODE_LABELS,
    CPT_FIRST_CLINICIAN: "Psychedelic therapy monitoring, first clinician, each hour",
    CPT_SECOND_CLINICIAN: "Psychedelic therapy monitoring, second clinician, each hour",
    CPT_STAFF_CONCURRENT: "Psychedelic therapy monitoring, clinical staff, each hour",
}
CSV_HEADER = [
    "client_id", "client_name", "date_of_birth", "service_date", "place_of_service", "cpt",
    "modifiers", "units", "charge", "rendering_npi", "billing_npi", "diagnoses_icd10",
]  # fmt: skip


class PeriodForm(InputRules, forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                self.add_error("end", "The end of the period is before its start.")
            elif (end - start).days > 366:
                self.add_error("end", "A period is at most a year long.")
        return data


def _period(request: HttpRequest) -> PeriodForm:
    today = clock.today()
    data = request.GET if "start" in request.GET else {
        "start": today.replace(day=1).isoformat(), "end": today.isoformat()
    }  # fmt: skip
    return PeriodForm(data)


def _biller(request: HttpRequest, detail: str, client_id: int | None = None) -> Actor:
    actor = staff_actor(request)
    if not may_bill(actor.roles):
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.READ, detail=detail,
            client_id=client_id,
        )  # fmt: skip
    return actor


def _diagnoses(clients: Iterable[int], start: dt.date, end: dt.date) -> dict[int, list[Diagnosis]]:
    """Each client's diagnoses active at some time in the period (ICD-10-CM codes and
    their standard descriptions: what a claim carries, no clinical text)."""
    found: dict[int, list[Diagnosis]] = {}
    rows = Diagnosis.objects.filter(client_id__in=list(clients), noted_on__lte=end).filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gte=start)
    )
    for diagnosis in rows.order_by("client_id", "noted_on", "id"):
        found.setdefault(diagnosis.client_id, []).append(diagnosis)
    return found


def _superbill(actor: Actor, client: Client, start: dt.date, end: dt.date) -> dict[str, object]:
    settings = billing_of(client.practice_id)
    fees = fees_of(settings)
    facts = held_services(Client.objects.filter(pk=client.pk), start, end, now=clock.now())
    held = facts.get(client.pk)
    lines = superbill_lines(
        held.services if held else [], fees, telehealth_pos=settings.telehealth_pos
    )
    return {
        "client": client, "practice": Practice.objects.get(pk=client.practice_id),
        "billing": settings, "lines": lines, "total": total(lines), "start": start, "end": end,
        "unsigned": held.unsigned if held else 0, "unpriced": unpriced_codes(lines, fees),
        "diagnoses": _diagnoses([client.pk], start, end).get(client.pk, []),
    }  # fmt: skip


@require_GET
def superbill_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _biller(request, "superbill", client_id)
    form = _period(request)
    if not form.is_valid():
        client = access_client(actor, client_id, Category.SCHEDULE, detail="superbill")
        return render(
            request, "interop/superbill.html", {"form": form, "client": client}, status=422
        )
    client = access_client(actor, client_id, Category.SCHEDULE, detail="superbill")
    context = _superbill(actor, client, form.cleaned_data["start"], form.cleaned_data["end"])
    return render(request, "interop/superbill.html", {**context, "form": form})


def _valid_period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    form = _period(request)
    if not form.is_valid():
        raise deny(
            staff_actor(request),
            category=Category.SCHEDULE,
            action=AuditAction.EXPORT,
            detail="superbill:period",
        )
    return form.cleaned_data["start"], form.cleaned_data["end"]


@require_GET
def superbill_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _biller(request, "superbill:pdf", client_id)
    start, end = _valid_period(request)
    client = access_client(
        actor, client_id, Category.SCHEDULE, action=AuditAction.PRINT, detail="superbill:pdf"
    )
    record_event(
        source=actor.audit_source,
        action=AuditAction.PRINT,
        client_id=client.pk,
        category=Category.SCHEDULE,
        detail="superbill:pdf",
    )
    html = render_to_string(
        "interop/superbill.html", {**_superbill(actor, client, start, end), "pdf": True}, request
    )
    return pdf_response(
        html,
        kind=DocumentKind.SUPERBILL,
        source=actor.audit_source,
        practice_id=actor.practice_id,
        client_id=client.pk,
        category=Category.SCHEDULE,
        filename=f"superbill-{client.pk}-{start}-{end}.pdf",
    )


def _csv_rows(client: Client, context: dict[str, object]) -> list[list[str]]:
    billing: PracticeBilling = context["billing"]  # type: ignore[assignment]
    return [
        [
            str(client.pk), client.legal_name, client.date_of_birth.isoformat(),
            line.date.isoformat(), line.place_of_service, line.code, " ".join(line.modifiers),
            str(line.units), f"{line.amount:.2f}", line.clinician_npi, billing.npi,
            " ".join(d.code for d in context["diagnoses"]),  # type: ignore[attr-defined]
        ]
        for line in context["lines"]  # type: ignore[attr-defined]
    ]  # fmt: skip


def _csv_response(rows: list[list[str]], name: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def superbill_csv(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _biller(request, "superbill:csv", client_id)
    start, end = _valid_period(request)
    client = access_client(
        actor, client_id, Category.SCHEDULE, action=AuditAction.EXPORT, detail="superbill:csv"
    )
    record_event(
        source=actor.audit_source,
        action=AuditAction.EXPORT,
        client_id=client.pk,
        category=Category.SCHEDULE,
        detail="superbill:csv",
    )
    return _csv_response(
        _csv_rows(client, _superbill(actor, client, start, end)),
        f"superbill-{client.pk}-{start}-{end}.csv",
    )


@require_GET
def claims_csv(request: HttpRequest) -> HttpResponse:
    """Every billable line of the period for the practice's billing service (front desk)."""
    actor = staff_actor(request)
    if not actor.has_role(Role.FRONT_DESK):
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.EXPORT, detail="claims:csv"
        )
    start, end = _valid_period(request)
    clients = visible_clients(actor, Category.SCHEDULE)
    settings = billing_of(actor.practice_id)
    fees = fees_of(settings)
    facts = held_services(clients, start, end, now=clock.now())
    by_id = {c.pk: c for c in clients.filter(pk__in=list(facts))}
    diagnoses = _diagnoses(facts, start, end)
    rows: list[list[str]] = []
    for client_id in sorted(facts):
        lines = superbill_lines(
            facts[client_id].services, fees, telehealth_pos=settings.telehealth_pos
        )
        rows += _csv_rows(
            by_id[client_id],
            {"billing": settings, "lines": lines, "diagnoses": diagnoses.get(client_id, [])},
        )
    record_events(
        source=actor.audit_source,
        action=AuditAction.EXPORT,
        client_ids=sorted(facts),
        category=Category.SCHEDULE,
        detail="claims:csv",
    )
    return _csv_response(rows, f"claims-{start}-{end}.csv")


class BillingSettingsForm(InputRules, forms.Form):
    npi = forms.RegexField(
        regex=r"^\d{10}$",
        required=False,
        label="Practice NPI",
        error_messages={"invalid": "An NPI is exactly 10 digits."},
    )
    tax_id = forms.RegexField(
        regex=r"^\d{2}-?\d{7}$",
        required=False,
        label="Tax ID (EIN)",
        error_messages={"invalid": "An EIN is 9 digits, e.g. 12-3456789."},
    )
    telehealth_pos = forms.ChoiceField(
        label="Telehealth place of service",
        choices=[("10", "10: the client at home"), ("02", "02: the client elsewhere")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for code, label in FEE_CODES.items():
            self.fields[f"fee_{code}"] = forms.DecimalField(
                label=f"{code} {label}", required=False, min_value=Decimal(0),
                max_digits=8, decimal_places=2, help_text="Dollars per unit.",
            )  # fmt: skip


@require_http_methods(["GET", "POST"])
def billing_settings(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    settings = billing_of(actor.practice_id)
    may_change = actor.has_role(Role.FRONT_DESK)
    if request.method == "POST" and not may_change:
        raise deny(
            actor, category=Category.SCHEDULE, action=AuditAction.UPDATE, detail="billing:settings"
        )
    initial: dict[str, object] = {
        "npi": settings.npi,
        "tax_id": settings.tax_id,
        "telehealth_pos": settings.telehealth_pos,
    }
    initial |= {f"fee_{code}": value for code, value in fees_of(settings).items()}
    form = BillingSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        settings.npi, settings.tax_id, settings.telehealth_pos = (
            data["npi"],
            data["tax_id"],
            data["telehealth_pos"],
        )
        settings.fees = {
            code: f"{data[f'fee_{code}']:.2f}"
            for code in FEE_CODES
            if data.get(f"fee_{code}") is not None
        }
        settings.updated_by, settings.updated_at = actor.staff, clock.now()
        settings.save()
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            category="practice",
            detail="billing:settings",
        )
        messages.success(request, "The billing settings are saved.")
        return redirect("interop:billing-settings")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "interop/billing_settings.html",
        {"form": form, "may_change": may_change},
        status=status,
    )
