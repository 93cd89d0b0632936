"""Admin for the pathway's records: read-only, superusers only, audited.

Plans, consents, clearances and dose orders change only through
``pathway.services`` (its rules, its audit row, an acting staff member); an admin save
would go around them. So the admin only shows them, and every view is audited.
"""

from django.contrib import admin

from kapcare.pathway.models import (
    Clearance,
    Consent,
    DoseOrder,
    PracticeDiagnosisCode,
    TreatmentPlan,
    TreatmentPlanVersion,
)
from kapcare.people.admin import ReadOnlyClientRecordAdmin, ReadOnlyInline
from kapcare.people.policy import Category


class PlanHistoryInline(ReadOnlyInline):
    model = TreatmentPlanVersion
    fields = ("changed_at", "format", "status", "includes_kap", "includes_parts_work")
    readonly_fields = fields


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(ReadOnlyClientRecordAdmin):
    category = Category.CLINICAL
    label = "plan"
    list_display = ["id", "client_id", "format", "status", "updated_at"]
    list_filter = ["format", "status"]
    inlines = [PlanHistoryInline]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyClientRecordAdmin):
    category = Category.CLINICAL
    label = "consent"
    list_display = ["id", "client_id", "kind", "version", "signed_on", "revoked_on"]
    list_filter = ["kind"]


@admin.register(Clearance)
class ClearanceAdmin(ReadOnlyClientRecordAdmin):
    category = Category.MEDICAL
    label = "clearance"
    list_display = ["id", "client_id", "status", "valid_until", "recorded_at"]
    list_filter = ["status"]


@admin.register(DoseOrder)
class DoseOrderAdmin(ReadOnlyClientRecordAdmin):
    category = Category.MEDICAL
    label = "dose_order"
    list_display = ["id", "client_id", "route", "dose_mg", "max_dose_mg", "active_from"]
    list_filter = ["route"]


@admin.register(PracticeDiagnosisCode)
class PracticeDiagnosisCodeAdmin(admin.ModelAdmin[PracticeDiagnosisCode]):
    """The practice's own ICD-10-CM codes, added to the defaults of ``pathway.diagnoses``
    (configuration, not client data: a plain admin)."""

    list_display = ["code", "description", "practice"]
    search_fields = ["code", "description"]
