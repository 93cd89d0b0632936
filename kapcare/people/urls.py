from django.urls import path

from kapcare.people import views
from kapcare.people.emergency import views as emergency

app_name = "people"

urlpatterns = [
    path("clients/new/", views.client_new, name="client-new"),
    path("clients/<int:client_id>/", views.client_chart, name="client-chart"),
    path(
        "clients/<int:client_id>/chart/treatment/",
        views.client_chart_treatment,
        name="client-chart-treatment",
    ),
    path(
        "clients/<int:client_id>/chart/notes/", views.client_chart_notes, name="client-chart-notes"
    ),
    path("clients/<int:client_id>/profile/", views.client_profile, name="client-profile"),
    path("clients/<int:client_id>/care-team/", views.client_care_team, name="client-care-team"),
    path("practice/", views.practice, name="practice"),
    path(
        "clients/<int:client_id>/emergency-access/",
        emergency.request_access,
        name="emergency-access",
    ),
    path("emergency-access/", emergency.review_list, name="emergency-review"),
    path(
        "emergency-access/<int:access_id>/review/",
        emergency.review,
        name="emergency-access-review",
    ),
]
