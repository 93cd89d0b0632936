"""Admin for appointments: read-only, superusers only, audited.

Booking, rescheduling and status changes must pass the booking rules, which live in one
service (``scheduling.services``) that needs an acting staff member; an admin save would
go around it. So the admin only shows these records (every view of them, or refusal, is
in the audit trail, as for clients); changes are made on the staff pages or the API.
"""

from django.contrib import admin

from kapcare.people.admin import ReadOnlyClientRecordAdmin, ReadOnlyInline
from kapcare.people.policy import Category
from kapcare.scheduling.models import Appointment, AppointmentStaff


class AppointmentStaffInline(ReadOnlyInline):
    model = AppointmentStaff
    fields = ("staff", "start", "end", "status")
    readonly_fields = fields


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyClientRecordAdmin):
    category = Category.SCHEDULE
    label = "appointment"
    list_display = ["id", "client_id", "kind", "modality", "start", "end", "location", "status"]
    list_filter = ["kind", "status", "modality", "location"]
    list_select_related = ["location"]
    date_hierarchy = "start"
    inlines = [AppointmentStaffInline]
