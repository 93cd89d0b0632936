from django.urls import path

from kapcare.medicine import settings_views, views

app_name = "medicine"

urlpatterns = [
    path(
        "appointments/<int:medicine_appointment_id>/medicine/",
        views.console,
        name="console",
    ),
    path(
        "appointments/<int:medicine_appointment_id>/medicine/record.pdf",
        views.record_pdf,
        name="record-pdf",
    ),
    path("practice/medicine-settings/", settings_views.medicine_settings, name="settings"),
]
