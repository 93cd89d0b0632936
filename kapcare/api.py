"""The JSON API at /api/v1/: one NinjaAPI, routers from each app, one error shape.

Errors always answer JSON ``{"detail": text}``; validation errors add
``"errors": [{"field", "message"}]`` with HTTP 422.
"""

import json
import re
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.request import RawPostDataException
from django.urls import URLPattern, URLResolver
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.types import DictStrAny
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from kapcare.accounts.api_auth import API_AUTH
from kapcare.core.api_errors import (
    ApiFieldError,
    DuplicateKey,
    FieldMessage,
    MalformedBody,
    Message,
    NotJsonBody,
    ValidationErrorOut,
    ViolationOut,
    ViolationsOut,
    field_errors,
    validation_detail,
)
from kapcare.core.api_schema import JsonObject
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.violations import Refused
from kapcare.people.schemas import api_field_name


def _no_constant(name: str) -> NoReturn:
    raise MalformedBody("The request body is not valid JSON: NaN and Infinity are not numbers.")


def _unique_keys(pairs: list[tuple[str, Any]]) -> JsonObject:
    data = JsonObject()
    for key, value in pairs:
        if key in data:
            raise DuplicateKey(key)
        data[key] = value
    return data


# application/json, and the structured types built on it (application/merge-patch+json).
_JSON_MEDIA_TYPE = re.compile(r"^application/([\w.+-]+\+)?json$")
# A key named in an error only when it looks like a field name: a key is input too.
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
NOT_JSON_MEDIA_TYPE = "Send the request body as JSON, with Content-Type: application/json."
GIVEN_TWICE = "This field is given twice."
_GIVEN_TWICE = PydanticCustomError("given_twice", GIVEN_TWICE)


class JsonObjectParser(Parser):
    """Bodies are JSON objects sent as JSON, read strictly.

    RFC 8259: no NaN or Infinity, and (its SHOULD made a MUST) no key twice in one
    object. A body under another media type is refused (415) rather than guessed at.
    """

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        if not _JSON_MEDIA_TYPE.match(request.content_type or ""):
            raise NotJsonBody(NOT_JSON_MEDIA_TYPE)
        try:
            data = json.loads(
                request.body, parse_constant=_no_constant, object_pairs_hook=_unique_keys
            )
        except (ValueError, RecursionError) as error:
            if isinstance(error, MalformedBody | DuplicateKey):
                raise
            raise MalformedBody("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise MalformedBody('The request body must be a JSON object: {"field": value, ...}.')
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        """A query parameter that takes one value, given twice, is refused as a key given
        twice in a JSON object is (ninja would read the last one): 422 naming it."""
        twice = [key for key in data if key not in list_fields and len(data.getlist(key)) > 1]
        if twice:
            errors: list[InitErrorDetails] = [
                {"type": _GIVEN_TWICE, "loc": (key,), "input": None}
                for key in twice
                if _FIELD_NAME.match(key)
            ]
            raise PydanticValidationError.from_exception_data(
                "query", errors or [{"type": _GIVEN_TWICE, "loc": (), "input": None}]
            )
        return super().parse_querydict(data, list_fields, request)


def _docs_for_signed_in_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema itself is public (it holds no data); the interactive docs need sign-in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.path.endswith("/docs") and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _json_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """ninja answers a method a path does not offer in plain text; answer JSON like the rest."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {"detail": f"This address does not take that method: use {allowed}."}, status=405
            )
            response["Allow"] = allowed
        return response

    return wrapper


class KapCareAPI(NinjaAPI):
    """The API: JSON for every answer, and a schema that documents every error answer."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # ninja's own hook for building the URL list (used by ``api.urls``).
        urls = super()._get_urls()
        for url in urls:
            if isinstance(url, URLPattern):
                url.callback = _json_not_allowed(url.callback)
        return urls

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # ninja names an operation after its module; an app whose API is a package
        # (scheduling.api.appointments, ...) keeps the ids it had as one module, since
        # generated clients name their methods after them.
        module, split, _ = operation.view_func.__module__.partition(".api.")
        if split:
            module += ".api"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: DictStrAny | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_common_errors(schema)
        close_pattern_properties(schema)
        return schema


def close_pattern_properties(node: object) -> None:
    """A dict whose keys are ``Text`` is documented as ``patternProperties``: in JSON Schema
    a key that misses every pattern is then allowed, while the API refuses it (a key with
    a control character is 422). Say so: no other keys (``additionalProperties: false``)."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            close_pattern_properties(value)
    elif isinstance(node, list):
        for value in node:
            close_pattern_properties(value)


def _error_response(status: int, component: str) -> DictStrAny:
    return {
        "description": HTTPStatus(status).phrase,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _also_answer(response: DictStrAny, component: str) -> None:
    """Let a declared answer also take ``component``'s shape.

    A route may answer 422 with rule violations, and the API answers 422 with
    field errors before the route runs: the document lists both shapes.
    """
    content = response.setdefault("content", {}).setdefault("application/json", {})
    shape = content.get("schema", {})
    ref = {"$ref": f"#/components/schemas/{component}"}
    shapes = shape.get("anyOf", [shape] if shape else [])
    if ref not in shapes:
        # anyOf, not oneOf: a route's own shape may hold the shared one (a refused import
        # answers detail and errors around its rows), and then matches both.
        content["schema"] = {"anyOf": [*shapes, ref]} if shapes else ref


# The web server (gunicorn, or a proxy before it) refuses a request line over its limit
# (4,094 bytes by default) before the API sees it, in its own words.
_URI_TOO_LONG: DictStrAny = {
    "description": "URI Too Long: the web server refuses an address over its limit "
    "(gunicorn: 4,094 bytes), before the API reads it.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def document_common_errors(schema: DictStrAny) -> None:
    """Add the answers the exception handlers below give, wherever they can happen.

    A router only declares what its own views answer (200, 404, ...); these
    come from the API itself: 401 without credentials, 422 for invalid
    parameters, 400/413/415 for unreadable bodies; 414 from the web server in front.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    shared = (
        ("Message", Message),
        ("ValidationErrorOut", ValidationErrorOut),
        ("ViolationsOut", ViolationsOut),
    )
    for name, model in shared:
        if name not in components:
            json_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(json_schema.pop("$defs", {}))
            components[name] = json_schema
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            # ninja keys declared answers by int; JSON keys are strings, and a
            # mix repeats keys in the document (which Swagger UI rejects).
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            common: dict[int, str] = {}
            if operation.get("security"):
                common[401] = "Message"
            if operation.get("parameters") or "requestBody" in operation:
                common[422] = "ValidationErrorOut"
            if "requestBody" in operation:
                common.update({400: "Message", 413: "Message", 415: "Message"})
            for status, component in common.items():
                existing = responses.setdefault(str(status), _error_response(status, component))
                _also_answer(existing, component)
            if operation.get("parameters"):
                responses.setdefault("414", _URI_TOO_LONG)
            if method != "get":
                # The rules refuse a change with 422 and their violations (the Refused
                # handler below answers for every route): whichever service a write
                # calls, the document says both shapes.
                existing = responses.setdefault("422", _error_response(422, "ViolationsOut"))
                _also_answer(existing, "ViolationsOut")


api = KapCareAPI(
    title="KAP Care API",
    version="1",
    description=(
        "The KAP Care practice system. Authenticate with a personal access token "
        "(`Authorization: Bearer kapc_...`, created with `manage.py create_api_token EMAIL`) "
        "or a signed-in staff session (whose writes need the CSRF token). Lists answer "
        '`{"items": [...], "count": n}` and take `limit` (1 to 200) and `offset`. Every '
        'error answers JSON `{"detail": "..."}`: 400 for a body that is not a JSON object, '
        "401 without credentials, 404 for records that do not exist or are not yours to "
        "see (the two look the same), 413 for a body over the size limit, 415 for a body "
        "not sent as `application/json`, and 422 for invalid values (a key given twice in "
        "one object, text with control characters, a date outside 1900 to 2199), with "
        "`errors: [{field, message}]` naming each field."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_decorator=_docs_for_signed_in_staff,
    parser=JsonObjectParser(),
)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _invalid(request, field_errors(exc.errors))


@api.exception_handler(FieldError)
def _field_error(request: HttpRequest, exc: FieldError) -> HttpResponse:
    return _invalid(request, [{"field": api_field_name(exc.field), "message": exc.message}])


@api.exception_handler(ApiFieldError)
def _api_field_error(request: HttpRequest, exc: ApiFieldError) -> HttpResponse:
    return _invalid(request, [{"field": exc.field, "message": exc.message}])


def _invalid(request: HttpRequest, errors: list[FieldMessage]) -> HttpResponse:
    return api.create_response(
        request, {"detail": validation_detail(errors), "errors": errors}, status=422
    )


@api.exception_handler(Refused)
def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    # 422: the rules refused; 409: a concurrent change took what the rules had allowed.
    detail = exc.violations[0].message if exc.violations else "The change was refused."
    violations = [ViolationOut.of(v).model_dump() for v in exc.violations]
    return api.create_response(
        request,
        {"detail": detail, "violations": violations},
        status=409 if exc.conflict else 422,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # One answer for "missing" and "not yours", whatever the exception says.
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Your role does not allow this change."}, status=403
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "Sign in, or send a personal access token as 'Authorization: Bearer ...'."},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request,
        {"detail": f"The request body is too large: the limit is {limit} bytes."},
        status=413,
    )


@api.exception_handler(RawPostDataException)
def _form_body(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A form-encoded body was read as a form (for the CSRF check) before the
    # API could read it as JSON.
    return api.create_response(
        request,
        {"detail": NOT_JSON_MEDIA_TYPE},
        status=415,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps every parser failure in "Cannot parse request body".
    cause = exc.__cause__
    if isinstance(cause, MalformedBody):
        return api.create_response(request, {"detail": str(cause)}, status=400)
    if isinstance(cause, NotJsonBody):
        return api.create_response(request, {"detail": str(cause)}, status=415)
    if isinstance(cause, DuplicateKey):
        field = cause.key if _FIELD_NAME.match(cause.key) else "body"
        return _invalid(request, [{"field": field, "message": GIVEN_TWICE}])
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # ninja's default answers a traceback as text when DEBUG is on; a
    # traceback can carry client data, so Django's calm 500 handles it instead.
    raise exc


def _register_routers() -> None:
    from kapcare.accounts.api import router as accounts_router
    from kapcare.audit.api import router as audit_router
    from kapcare.intensives.api import router as intensives_router
    from kapcare.interop.api_v1 import router as interop_router
    from kapcare.interop.outcomes_api import router as outcomes_router
    from kapcare.measures.api import router as measures_router
    from kapcare.medicine.api import router as medicine_router
    from kapcare.notes.api import router as notes_router
    from kapcare.pathway.api import router as pathway_router
    from kapcare.people.api import router as people_router
    from kapcare.people.emergency.api import router as emergency_router
    from kapcare.portal.api import router as portal_router
    from kapcare.scheduling.api import router as scheduling_router

    api.add_router("", people_router)
    api.add_router("", emergency_router)
    api.add_router("", audit_router)
    api.add_router("", pathway_router)
    api.add_router("", measures_router)
    api.add_router("", scheduling_router)
    api.add_router("", medicine_router)
    api.add_router("", notes_router)
    api.add_router("", interop_router)
    api.add_router("", outcomes_router)
    api.add_router("", intensives_router)
    api.add_router("", portal_router)
    api.add_router("", accounts_router)


_register_routers()
