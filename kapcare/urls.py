from django.contrib import admin
from django.urls import include, path

from kapcare.api import api
from kapcare.health import healthz
from kapcare.people.views import home

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("kapcare.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("audit/", include("kapcare.audit.urls")),
    path("", home, name="home"),
    path("", include("kapcare.people.urls")),
    path("", include("kapcare.pathway.urls")),
    path("", include("kapcare.medicine.urls")),
    path("", include("kapcare.measures.urls")),
    path("", include("kapcare.scheduling.urls")),
]

handler400 = "kapcare.errors.bad_request"
handler403 = "kapcare.errors.permission_denied"
handler404 = "kapcare.errors.page_not_found"
handler500 = "kapcare.errors.server_error"
