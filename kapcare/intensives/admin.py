"""Admin: intensive plans and templates, read-only (they change through the services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.people.admin import ReadOnlyClientRecordAdmin
from kapcare.people.policy import Category


@admin.register(IntensivePlan)
class IntensivePlanAdmin(ReadOnlyClientRecordAdmin):
    category = Category.SCHEDULE
    label = "intensive_plan"
    list_display = ["id", "client_id", "earliest_start", "updated_at"]


@admin.register(PatternTemplate)
class PatternTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "practice", "name", "updated_at"]
    readonly_fields = ["practice", "name", "pattern", "updated_by", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
