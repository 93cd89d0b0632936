"""Scheduling pages: the calendar, booking, working hours, availability, feeds, settings."""

from django.urls import path

from kapcare.scheduling.views import availability, booking, calendar, feeds, hours, settings

app_name = "scheduling"

urlpatterns = [
    path("calendar/", calendar.calendar, name="calendar"),
    path("appointments/new/", booking.book, name="book"),
    path("appointments/<int:appointment_id>/reschedule/", booking.reschedule, name="reschedule"),
    path(
        "appointments/<int:appointment_id>/status/",
        booking.appointment_status,
        name="appointment-status",
    ),
    path("schedule/hours/", hours.my_hours, name="my-hours"),
    path("schedule/staff/<int:staff_id>/hours/", hours.staff_hours, name="staff-hours"),
    path("schedule/availability/", availability.availability, name="availability"),
    path("schedule/calendar-feed/", feeds.feed_settings, name="feed-settings"),
    path("schedule/settings/", settings.practice_settings, name="practice-settings"),
    path("feeds/calendar/<str:secret>.ics", feeds.feed, name="feed"),
]
