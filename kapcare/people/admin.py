"""Admin for the practice set-up. Client records are view-only here (changes go
through the staff pages and API, where the rules and audit live), open to
superusers only, and every view of them (or refusal) is audited."""

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import AuditSource, record_event, record_events, request_ip
from kapcare.core.ids import is_record_id
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


def admin_source(request: HttpRequest) -> AuditSource:
    user = request.user if isinstance(request.user, User) else None
    return AuditSource(user=user, source_ip=request_ip(request))


def is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


def _record_id(object_id: str) -> int | None:
    try:
        value = int(unquote(object_id))
    except ValueError:
        return None
    return value if is_record_id(value) else None


class ReadOnlyClientRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A client's record, shown to superusers only, each view audited under ``category``.

    For records whose changes must pass a service (its rules, its audit row): the admin
    only shows them; changes are made on the staff pages or the API.
    """

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


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """Rows shown beside a read-only record: never added, changed or deleted here."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoomInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Room
    extra = 0


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "idle_timeout_minutes"]


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
    list_display = ["name", "credentials", "npi", "video_room_url", "is_active"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__email"]
    inlines = [StaffRoleInline, StaffLicenseInline]


class CareTeamInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CareTeamMember
    extra = 0
    readonly_fields = ["staff", "role", "added_at"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only, superusers only, and audited: who looked at which client, and when.

    The admin does not know care teams, so it is not a way in for staff: the
    staff pages and API (``people.access``) are.
    """

    list_display = ["id", "legal_family_name", "legal_given_name", "status"]
    list_filter = ["status"]
    inlines = [CareTeamInline]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
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
            self._denied(request, None, "admin:client_list")
            raise
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            # One event per client shown, as the staff list pages do.
            record_events(
                source=admin_source(request),
                action=AuditAction.READ,
                client_ids=[c.pk for c in changelist.result_list],
                category=Category.DEMOGRAPHICS,
                detail="admin:client_list",
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
        return self._audited(request, object_id, "admin:client", view)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        view = partial(super().history_view, request, object_id, extra_context)
        return self._audited(request, object_id, "admin:client_history", view)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        view = partial(super().delete_view, request, object_id, extra_context)
        return self._audited(request, object_id, "admin:client_delete", view)

    def _audited(
        self, request: HttpRequest, object_id: str, detail: str, view: Callable[[], HttpResponse]
    ) -> HttpResponse:
        client_id = _record_id(object_id)
        try:
            response = view()
        except PermissionDenied:
            self._denied(request, client_id, detail)
            raise
        # 200 is the page about the client; a redirect means there was no such record.
        if response.status_code == 200 and client_id is not None:
            record_event(
                source=admin_source(request),
                action=AuditAction.READ,
                client_id=client_id,
                category=Category.DEMOGRAPHICS,
                detail=detail,
            )
        return response

    def _denied(self, request: HttpRequest, client_id: int | None, detail: str) -> None:
        record_event(
            source=admin_source(request),
            action=AuditAction.DENIED,
            outcome=AuditOutcome.DENIED,
            client_id=client_id,
            category=Category.DEMOGRAPHICS,
            detail=detail,
        )
