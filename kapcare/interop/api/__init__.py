"""The FHIR R4 API at /fhir/R4/: its own NinjaAPI, answering application/fhir+json."""

from kapcare.interop.api.base import fhir_api
from kapcare.interop.api.export import router as export_router
from kapcare.interop.api.read import router as read_router

# $export first: /Patient/$export would otherwise be read as a Patient's id.
fhir_api.add_router("", export_router)
fhir_api.add_router("", read_router)

__all__ = ["fhir_api"]
