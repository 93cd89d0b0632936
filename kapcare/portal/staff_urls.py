"""Staff pages that belong to the portal (the care team's side of it)."""

from django.urls import path

from kapcare.portal import staff_documents, staff_views

app_name = "portal_staff"

urlpatterns = [
    path("portal-notices/<int:notice_id>/seen", staff_views.notice_seen, name="notice-seen"),
    path(
        "practice/consent-documents/",
        staff_documents.consent_documents,
        name="consent-documents",
    ),
    path(
        "practice/consent-documents/<slug:kind>/publish/",
        staff_documents.consent_document_publish,
        name="consent-document-publish",
    ),
    path("clients/<int:client_id>/portal/invite", staff_views.invite, name="invite"),
    path("clients/<int:client_id>/portal/end", staff_views.end_access, name="end-access"),
]
