"""Admin for the pathway records and appointments: read-only, superusers only, audited.

Booking, rescheduling and status changes must pass the booking rules, which live in one
service (``scheduling.services``) that needs an acting staff member; an admin save would
go around it. So the admin only shows these records (every view of them, or refusal, is
in the audit trail, as for clients); changes are made on the staff pages or the API.
"""

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event, record_events
from kapcare.people.admin import _record_id, admin_source, is_superuser
from kapcare.people.policy import Category
from kapcare.scheduling.models import (
    Appointment,
    AppointmentStaff,
    Clearance,
    Consent,
    DoseOrder,
    TreatmentPlan,
    TreatmentPlanVersion,
)


class _ReadOnlyClientRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A client's record, shown to superusers only, each view audited under ``category``."""

    category: ClassVar[Category]
    label: ClassVar[str]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            response = super().changelist_view(request, extra_context)
        except PermissionDenied:
            self._denied(request, None, f"admin:{self.label}_list")
            raise
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            record_events(
                source=admin_source(request),
                action=AuditAction.READ,
                client_ids=sorted({r.client_id for r in changelist.result_list}),
                category=self.category,
                detail=f"admin:{self.label}_list",
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        view = partial(super().change_view, request, object_id, form_url, extra_context)
        return self._audited(request, object_id, f"admin:{self.label}", view)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        view = partial(super().history_view, request, object_id, extra_context)
        return self._audited(request, object_id, f"admin:{self.label}_history", view)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        view = partial(super().delete_view, request, object_id, extra_context)
        return self._audited(request, object_id, f"admin:{self.label}_delete", view)

    def _client_of(self, object_id: str) -> int | None:
        record_id = _record_id(object_id)
        if record_id is None:
            return None
        model: type[Model] = self.model
        found = model._default_manager.filter(pk=record_id).values_list("client_id", flat=True)
        return found.first()

    def _audited(
        self, request: HttpRequest, object_id: str, detail: str, view: Callable[[], HttpResponse]
    ) -> HttpResponse:
        client_id = self._client_of(object_id)
        try:
            response = view()
        except PermissionDenied:
            self._denied(request, client_id, detail)
            raise
        if response.status_code == 200 and client_id is not None:
            record_event(
                source=admin_source(request),
                action=AuditAction.READ,
                client_id=client_id,
                category=self.category,
                detail=detail,
            )
        return response

    def _denied(self, request: HttpRequest, client_id: int | None, detail: str) -> None:
        record_event(
            source=admin_source(request),
            action=AuditAction.DENIED,
            outcome=AuditOutcome.DENIED,
            client_id=client_id,
            category=self.category,
            detail=detail,
        )


class AppointmentStaffInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AppointmentStaff
    extra = 0
    fields = ("staff", "start", "end", "status")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(_ReadOnlyClientRecordAdmin):
    category = Category.SCHEDULE
    label = "appointment"
    list_display = ["id", "client_id", "kind", "modality", "start", "end", "location", "status"]
    list_filter = ["kind", "status", "modality", "location"]
    list_select_related = ["location"]
    date_hierarchy = "start"
    inlines = [AppointmentStaffInline]


class PlanHistoryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TreatmentPlanVersion
    extra = 0
    fields = ("changed_at", "format", "status", "includes_kap", "includes_parts_work")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(_ReadOnlyClientRecordAdmin):
    category = Category.CLINICAL
    label = "plan"
    list_display = ["id", "client_id", "format", "status", "updated_at"]
    list_filter = ["format", "status"]
    inlines = [PlanHistoryInline]


@admin.register(Consent)
class ConsentAdmin(_ReadOnlyClientRecordAdmin):
    category = Category.CLINICAL
    label = "consent"
    list_display = ["id", "client_id", "kind", "version", "signed_on", "revoked_on"]
    list_filter = ["kind"]


@admin.register(Clearance)
class ClearanceAdmin(_ReadOnlyClientRecordAdmin):
    category = Category.MEDICAL
    label = "clearance"
    list_display = ["id", "client_id", "status", "valid_until", "recorded_at"]
    list_filter = ["status"]


@admin.register(DoseOrder)
class DoseOrderAdmin(_ReadOnlyClientRecordAdmin):
    category = Category.MEDICAL
    label = "dose_order"
    list_display = ["id", "client_id", "route", "dose_mg", "max_dose_mg", "active_from"]
    list_filter = ["route"]
