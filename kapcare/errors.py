"""Calm error pages: no stack traces, no client data, no hint whether a record exists."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

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


# Pages that keep the signed-in header (navigation, sign out). A 400 may come
# before the session is read and a 500 may come from a broken database, so
# those render without the request and touch nothing.
_WITH_REQUEST = frozenset({403, 404})


def _render(request: HttpRequest, status: int) -> HttpResponse:
    title, message = _MESSAGES[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": title + "."}, status=status)
    html = render_to_string(
        "error.html",
        {"title": title, "message": message, "status": status},
        request=request if status in _WITH_REQUEST else None,
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render(request, 403)
