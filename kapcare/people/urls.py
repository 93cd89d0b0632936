from django.urls import path

from kapcare.people import views

app_name = "people"

urlpatterns = [
    path("clients/new/", views.client_new, name="client-new"),
    path("clients/<int:client_id>/", views.client_chart, name="client-chart"),
    path("clients/<int:client_id>/profile/", views.client_profile, name="client-profile"),
    path("practice/", views.practice, name="practice"),
]
