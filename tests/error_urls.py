"""KAP Care's URLs plus three that fail on purpose, for tests/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from kapcare.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def _bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a test's bad request")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a test's failure, settings.SECRET_KEY and all")


urlpatterns = [
    path("test-errors/bad/", _bad),
    path("test-errors/forbidden/", _forbidden),
    path("test-errors/broken/", _broken),
    *urlpatterns,
]
