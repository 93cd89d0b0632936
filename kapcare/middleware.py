from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase

API_PREFIX = "/api/"
# The FHIR API authenticates itself too (and answers 401 as an OperationOutcome).
API_PREFIXES = (API_PREFIX, "/fhir/")


class StaffLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Sign-in for every page; the API authenticates itself and answers 401."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith(API_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
