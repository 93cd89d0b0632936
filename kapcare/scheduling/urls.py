from django.urls import path

from kapcare.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("appointments/new/", views.book, name="book"),
    path("appointments/<int:appointment_id>/reschedule/", views.reschedule, name="reschedule"),
    path(
        "appointments/<int:appointment_id>/status/",
        views.appointment_status,
        name="appointment-status",
    ),
    path("clients/<int:client_id>/plan/", views.plan, name="plan"),
    path("clients/<int:client_id>/plan/status/", views.plan_status, name="plan-status"),
    path("clients/<int:client_id>/consents/new/", views.consent_new, name="consent-new"),
    path("consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent-revoke"),
]
