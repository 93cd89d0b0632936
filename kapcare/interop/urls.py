from django.urls import path

from kapcare.interop.views.billing import (
    billing_settings,
    claims_csv,
    superbill_csv,
    superbill_page,
    superbill_pdf,
)
from kapcare.interop.views.exports import exports_page
from kapcare.interop.views.imports import import_page, import_template
from kapcare.interop.views.reports import (
    outcomes_monitoring_csv,
    outcomes_page,
    progress_page,
    progress_pdf,
)

app_name = "interop"

urlpatterns = [
    path("exports/", exports_page, name="exports"),
    path("clients/import/", import_page, name="import"),
    path("clients/import/template.csv", import_template, name="import-template"),
    path("clients/<int:client_id>/superbill/", superbill_page, name="superbill"),
    path("clients/<int:client_id>/superbill.pdf", superbill_pdf, name="superbill-pdf"),
    path("clients/<int:client_id>/superbill.csv", superbill_csv, name="superbill-csv"),
    path("clients/<int:client_id>/progress/", progress_page, name="progress"),
    path("clients/<int:client_id>/progress.pdf", progress_pdf, name="progress-pdf"),
    path("reports/outcomes/", outcomes_page, name="outcomes"),
    path(
        "reports/outcomes/monitoring.csv",
        outcomes_monitoring_csv,
        name="outcomes-monitoring-csv",
    ),
    path("billing/claims.csv", claims_csv, name="claims-csv"),
    path("billing/settings/", billing_settings, name="billing-settings"),
]
