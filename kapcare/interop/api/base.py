"""The FHIR API object: FHIR JSON for every answer, errors as OperationOutcome.

A second NinjaAPI beside /api/v1/ because FHIR fixes its own media type and error
shape; authentication is the same (bearer token or signed-in staff session).
"""

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kapcare.accounts.api_auth import API_AUTH
from kapcare.core.errors import PermissionDenied
from kapcare.interop.fhir.bundle import FHIR_JSON, operation_outcome

BASE_PATH = "/fhir/R4"


class FhirError(Exception):
    """A request FHIR answers with an OperationOutcome (``code`` is an issue type)."""

    def __init__(self, status: int, code: str, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics


def fhir_response(data: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, separators=(",", ":")),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )


def outcome(status: int, code: str, diagnostics: str) -> HttpResponse:
    return fhir_response(operation_outcome(code, diagnostics), status=status)


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(BASE_PATH)


fhir_api = NinjaAPI(
    title="KAP Care FHIR R4 API",
    version="R4",
    description=(
        "FHIR R4 read API (resources validated against the R4B models): read and search by "
        "patient, Patient/{id}/$everything, and bulk $export as NDJSON. Authenticate as for "
        "/api/v1/ (`Authorization: Bearer kapc_...`). Answers are application/fhir+json; "
        "errors are OperationOutcome resources. Each read is checked against the reader's "
        "role and care team and audited; psychotherapy notes are never included."
    ),
    auth=API_AUTH,
    urls_namespace="fhir",
    docs_url=None,
)


@fhir_api.exception_handler(FhirError)
def _fhir_error(request: HttpRequest, exc: FhirError) -> HttpResponse:
    return outcome(exc.status, exc.code, exc.diagnostics)


@fhir_api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # One answer for "missing" and "not yours".
    return outcome(404, "not-found", "No such resource.")


@fhir_api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return outcome(403, "forbidden", "Your role does not allow this.")


@fhir_api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = outcome(
        401, "login", "Sign in, or send a personal access token as 'Authorization: Bearer ...'."
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@fhir_api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors})
    return outcome(400, "invalid", f"Invalid search or path parameter: {', '.join(fields)}.")


@fhir_api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return outcome(413, "too-costly", "The request body is too large.")


@fhir_api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return outcome(exc.status_code, "processing", str(exc))


@fhir_api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django's calm 500 (no traceback, no client data) answers instead of ninja's.
    raise exc
