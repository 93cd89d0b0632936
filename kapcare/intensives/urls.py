"""Intensive pages."""

from django.urls import path

from kapcare.intensives import edit_views, views

app_name = "intensives"

urlpatterns = [
    path("intensives/plan/", views.plan_page, name="plan"),
    path(
        "clients/<int:client_id>/intensive-plan/",
        edit_views.client_plan,
        name="client-plan",
    ),
    path("intensives/templates/", edit_views.templates, name="templates"),
    path("intensives/templates/new/", edit_views.template_edit, name="template-new"),
    path(
        "intensives/templates/<int:template_id>/",
        edit_views.template_edit,
        name="template-edit",
    ),
]
