"""Response headers every answer carries: no caching, and no powerful browser features.

Pages and API answers hold client data. A browser keeps what it may cache on disk and
shows it again on "Back" after sign-out, so every answer says ``no-store`` (finding 4 of
issue 12); static files are served by WhiteNoise before this runs and stay cacheable.
``Permissions-Policy`` turns off the browser features KAP Care never uses, so an injected
script or frame could not use them either; passkeys (WebAuthn) stay on for this origin.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

__all__ = ["SecurityHeadersMiddleware", "permissions_policy"]


def permissions_policy(features: dict[str, list[str]]) -> str:
    """``{"camera": [], "publickey-credentials-get": ["self"]}`` as the header's value."""
    return ", ".join(f"{name}=({' '.join(origins)})" for name, origins in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = permissions_policy(settings.KAPCARE_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Django's own never_cache: no-store with the older directives and Expires that
        # proxies and old browsers still read. It replaces a view's max-age, never adds one.
        add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
