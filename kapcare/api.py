"""The JSON API at /api/v1/: one NinjaAPI, routers from each app, one error shape.

Errors always answer JSON ``{"detail": text}``; validation errors add
``"errors": [{"field", "message"}]`` with HTTP 422.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kapcare.accounts.api_auth import API_AUTH
from kapcare.api_errors import ApiFieldError, ApiViolations, field_errors
from kapcare.people.access import NotFound
from kapcare.people.services import FieldError, PermissionDenied


def _docs_for_signed_in_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema itself is public (it holds no data); the interactive docs need sign-in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.path.endswith("/docs") and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


api = NinjaAPI(
    title="KAP Care API",
    version="1",
    description=(
        "The KAP Care practice system. Authenticate with a personal access token "
        "(`Authorization: Bearer kapc_...`, created with `manage.py create_api_token EMAIL`) "
        'or a signed-in staff session. Lists answer `{"items": [...], "count": n}`; '
        "validation errors answer 422 with `errors: [{field, message}]`; records that do "
        "not exist or are not yours to see answer 404."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_decorator=_docs_for_signed_in_staff,
)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = field_errors(exc.errors)
    return api.create_response(
        request, {"detail": errors[0]["message"], "errors": errors}, status=422
    )


@api.exception_handler(FieldError)
def _field_error(request: HttpRequest, exc: FieldError) -> HttpResponse:
    errors = [{"field": exc.field, "message": exc.message}]
    return api.create_response(request, {"detail": exc.message, "errors": errors}, status=422)


@api.exception_handler(ApiFieldError)
def _api_field_error(request: HttpRequest, exc: ApiFieldError) -> HttpResponse:
    errors = [{"field": exc.field, "message": exc.message}]
    return api.create_response(request, {"detail": exc.message, "errors": errors}, status=422)


@api.exception_handler(ApiViolations)
def _violations(request: HttpRequest, exc: ApiViolations) -> HttpResponse:
    return api.create_response(request, {"violations": exc.violations}, status=exc.status)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
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
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _register_routers() -> None:
    from kapcare.audit.api import router as audit_router
    from kapcare.people.api import router as people_router

    api.add_router("", people_router)
    api.add_router("", audit_router)


_register_routers()
