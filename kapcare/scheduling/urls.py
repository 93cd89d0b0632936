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
]
