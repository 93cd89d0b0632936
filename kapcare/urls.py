from django.contrib import admin
from django.urls import include, path, re_path

from kapcare.api import api
from kapcare.audit.export_views import verify_result, verify_start
from kapcare.errors import api_not_found
from kapcare.health import healthz, livez
from kapcare.interop.api import fhir_api
from kapcare.people.idle_timeout import session_status
from kapcare.people.views import home

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("accounts/session/", session_status, name="session-status"),
    path("accounts/", include("kapcare.accounts.urls")),
    path("accounts/", include("kapcare.accounts.allauth_urls")),
    path("api/v1/", api.urls),
    path("fhir/R4/", fhir_api.urls),
    # After the APIs: a path they do not know answers their JSON 404, never an HTML page.
    re_path(r"^api/", api_not_found, name="api-unknown"),
    re_path(r"^fhir/", api_not_found, name="fhir-unknown"),
    path("admin/", admin.site.urls),
    path("audit/", include("kapcare.audit.urls")),
    path("verify/", verify_start, name="verify"),
    path("verify/<str:sha256>/", verify_result, name="verify-export"),
    path("portal/", include("kapcare.portal.urls")),
    path("", home, name="home"),
    path("", include("kapcare.people.urls")),
    path("", include("kapcare.pathway.urls")),
    path("", include("kapcare.medicine.urls")),
    path("", include("kapcare.measures.urls")),
    path("", include("kapcare.scheduling.urls")),
    path("", include("kapcare.notes.urls")),
    path("", include("kapcare.interop.urls")),
    path("", include("kapcare.intensives.urls")),
    path("", include("kapcare.portal.staff_urls")),
]

handler400 = "kapcare.errors.bad_request"
handler403 = "kapcare.errors.permission_denied"
handler404 = "kapcare.errors.page_not_found"
handler500 = "kapcare.errors.server_error"
