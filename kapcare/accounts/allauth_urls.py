"""The django-allauth pages KAP Care uses, under allauth's URL names, at our addresses.

Only these are routed (no sign-up, no e-mail management, no passkey-only sign-in).
allauth reverses its own names (``account_login``, ``mfa_index`` ...), so our
sign-in, sign-out and password pages are also routed under those names. A refused
form answers 422, as every form in KAP Care does.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account import views as account_views
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseBase
from django.urls import include, path, re_path

from kapcare.accounts import views

UNPROCESSABLE = 422


def unprocessable_when_refused(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """A posted form shown again with its errors answers 422, not 200."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if request.method == "POST" and response.status_code == 200:
            forms = [value for value in context.values() if isinstance(value, BaseForm)]
            if any(form.is_bound and form.errors for form in forms):
                response.status_code = UNPROCESSABLE
        return response

    return wrapper


def _refusing(patterns: list[Any]) -> list[Any]:
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _refusing(pattern.url_patterns)
        else:
            pattern.callback = unprocessable_when_refused(pattern.callback)
    return patterns


urlpatterns = [
    # Ours, under the names allauth reverses.
    path("sign-in/", views.SignInView.as_view(), name="account_login"),
    path("sign-out/", views.SignOutView.as_view(), name="account_logout"),
    path("password/", views.ChangePasswordView.as_view(), name="account_change_password"),
    # allauth's, with our templates.
    *_refusing(
        [
            path("password/reset/", account_views.password_reset, name="account_reset_password"),
            path(
                "password/reset/done/",
                account_views.password_reset_done,
                name="account_reset_password_done",
            ),
            re_path(
                r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
                account_views.password_reset_from_key,
                name="account_reset_password_from_key",
            ),
            path(
                "password/reset/key/done/",
                account_views.password_reset_from_key_done,
                name="account_reset_password_from_key_done",
            ),
            path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
            path("security/", include("allauth.mfa.urls")),
        ]
    ),
]
