from django.urls import path

from kapcare.pathway import views

app_name = "pathway"

urlpatterns = [
    path("clients/<int:client_id>/plan/", views.plan, name="plan"),
    path("clients/<int:client_id>/plan/status/", views.plan_status, name="plan-status"),
    path("clients/<int:client_id>/consents/new/", views.consent_new, name="consent-new"),
    path("consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent-revoke"),
    path("clients/<int:client_id>/medical/", views.medical, name="medical"),
]
