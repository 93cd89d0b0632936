"""Calm error pages: no stack traces, no client data, no hint whether a record exists."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse

from kapcare.core.ids import is_record_id
from kapcare.interop.fhir.bundle import FHIR_JSON, operation_outcome
from kapcare.people import policy
from kapcare.people.access import actor_for_request

_MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: (
        "That action was refused",
        "Your session may have expired, or the form was sent twice. Please go back, reload "
        "the page and try again.",
    ),
    404: (
        "Page not found",
        "This page does not exist, or it is not available to you. If you think you "
        "should see it, ask your practice's privacy officer.",
    ),
    500: ("Something went wrong on our side", "The problem has been logged. Please try again."),
}
# A form refused by the cross-site request forgery check: almost always an expired session
# or a page left open for a long time.
_CSRF = (
    "That form has expired",
    "Nothing was saved. Please go back, reload the page and send it again.",
)

_FHIR_ISSUE = {400: "invalid", 403: "forbidden", 404: "not-found", 500: "exception"}


# Pages that keep the signed-in header (navigation, sign out). A 400 may come
# before the session is read and a 500 may come from a broken database, so
# those render without the request and touch nothing.
_WITH_REQUEST = frozenset({403, 404})


def _render(
    request: HttpRequest,
    status: int,
    words: tuple[str, str] | None = None,
    extra: dict[str, object] | None = None,
) -> HttpResponse:
    title, message = words or _MESSAGES[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": title + "."}, status=status)
    if request.path.startswith("/fhir/"):
        return JsonResponse(
            operation_outcome(_FHIR_ISSUE[status], title + "."),
            status=status,
            content_type=FHIR_JSON,
        )
    html = render_to_string(
        "error.html",
        {"title": title, "message": message, "status": status, **(extra or {})},
        request=request if status in _WITH_REQUEST else None,
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404, extra={"emergency_url": _emergency_access_url(request)})


def _emergency_access_url(request: HttpRequest) -> str | None:
    """On a client's page that is not found for a clinician (off the care team, or no
    such client: the same answer), the way to emergency access to that record. It names
    no client and does not tell whether one exists; asking is audited and reviewed."""
    match = getattr(request, "resolver_match", None)
    client_id = match.kwargs.get("client_id") if match is not None else None
    if not isinstance(client_id, int) or not is_record_id(client_id):
        return None
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        return None
    if not policy.may_request_emergency_access(actor.roles):
        return None
    return reverse("people:emergency-access", args=[client_id])


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any path under the API that no operation matches (``/api/v1/clients/abc``): the
    API's own 404 answer, with DEBUG on too (Django's debug page is HTML)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return _render(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render(request, 403, _CSRF)
