"""Admin for the practice set-up. Client records are view-only here (changes go
through the staff pages and API, where the rules and audit live) and every
view of them is audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.people.access import request_ip
from kapcare.people.models import (
    CareTeamMember,
    Client,
    Location,
    Practice,
    Room,
    StaffLicense,
    StaffMember,
    StaffRole,
)
from kapcare.people.policy import Category


class RoomInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Room
    extra = 0


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "city", "state", "time_zone", "offers_medicine_sessions"]
    list_filter = ["state", "offers_medicine_sessions"]
    inlines = [RoomInline]


class StaffRoleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = StaffRole
    extra = 0


class StaffLicenseInline(admin.TabularInline):  # type: ignore[type-arg]
    model = StaffLicense
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "credentials", "npi", "is_active"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__email"]
    inlines = [StaffRoleInline, StaffLicenseInline]


class CareTeamInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CareTeamMember
    extra = 0
    readonly_fields = ["staff", "role", "added_at"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "legal_family_name", "legal_given_name", "status", "stage"]
    list_filter = ["status", "stage"]
    inlines = [CareTeamInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _source(self, request: HttpRequest) -> AuditSource:
        return AuditSource(user=request.user, source_ip=request_ip(request))  # type: ignore[arg-type]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        record_event(
            source=self._source(request),
            action=AuditAction.READ,
            category=Category.DEMOGRAPHICS,
            detail="admin:client_list",
        )
        return super().changelist_view(request, extra_context)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        client = super().get_object(request, object_id, from_field)
        if client is not None:
            record_event(
                source=self._source(request),
                action=AuditAction.READ,
                client_id=client.pk,
                category=Category.DEMOGRAPHICS,
                detail="admin:client",
            )
        return client
