"""Pages of working hours, availability, calendar feeds and practice scheduling settings."""

from django.urls import path

from kapcare.scheduling import views_more

app_name = "scheduling_more"

urlpatterns = [
    path("schedule/hours/", views_more.my_hours, name="my-hours"),
    path("schedule/staff/<int:staff_id>/hours/", views_more.staff_hours, name="staff-hours"),
    path("schedule/availability/", views_more.availability, name="availability"),
    path("schedule/calendar-feed/", views_more.feed_settings, name="feed-settings"),
    path("schedule/settings/", views_more.practice_settings, name="practice-settings"),
    path("feeds/calendar/<str:secret>.ics", views_more.feed, name="feed"),
]
