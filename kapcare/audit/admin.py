from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kapcare.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the trail is append-only."""

    list_display = ["seq", "at", "actor", "client_id", "action", "category", "outcome"]
    list_filter = ["action", "outcome", "category"]
    list_select_related = ["actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
