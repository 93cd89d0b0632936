"""The audit trail in the admin: read-only, superusers only, and reading it is audited."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.audit.services import AuditSource, record_event, request_ip
from kapcare.people.policy import Category


def _source(request: HttpRequest) -> AuditSource:
    user = request.user if isinstance(request.user, get_user_model()) else None
    return AuditSource(user=user, source_ip=request_ip(request))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the trail is append-only."""

    list_display = ["seq", "at", "actor", "client_id", "action", "category", "outcome"]
    list_filter = ["action", "outcome", "category"]
    list_select_related = ["actor"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            self._read(request, "admin:audit_list")
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            # The id only, and only if it is one: the URL is typed by the visitor.
            self._read(request, f"admin:audit_event:{object_id if object_id.isdigit() else '?'}")
        return response

    def _read(self, request: HttpRequest, detail: str) -> None:
        record_event(
            source=_source(request),
            action=AuditAction.READ,
            category=Category.AUDIT,
            detail=detail,
        )
