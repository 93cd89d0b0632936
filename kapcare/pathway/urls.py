from django.urls import path

from kapcare.pathway import plan_views, views

app_name = "pathway"

urlpatterns = [
    path("clients/<int:client_id>/plan/", views.plan, name="plan"),
    path("clients/<int:client_id>/plan/status/", views.plan_status, name="plan-status"),
    path("clients/<int:client_id>/treatment-plan/", plan_views.plan_detail, name="plan-detail"),
    path(
        "clients/<int:client_id>/treatment-plan/review/",
        plan_views.plan_review,
        name="plan-review",
    ),
    path("clients/<int:client_id>/consents/new/", views.consent_new, name="consent-new"),
    path("consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent-revoke"),
    path("clients/<int:client_id>/diagnoses/", views.diagnoses, name="diagnoses"),
    path(
        "diagnoses/<int:diagnosis_id>/resolve/",
        views.diagnosis_resolve,
        name="diagnosis-resolve",
    ),
    path("clients/<int:client_id>/medical/", views.medical, name="medical"),
]
