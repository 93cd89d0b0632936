"""Who must use a second factor, and the middleware that has them enrol first.

When ``KAPCARE_SECOND_FACTOR_REQUIRED`` is on (the production default; system check
kapcare.E005 refuses production without it), a signed-in person who must use one
(``must_enrol``: a role in ``people.policy.SECOND_FACTOR_ROLES``, or an admin) and has
no authenticator app or passkey yet is sent to the sign-in security page before any
other page, and the API answers their session 403. ``MFAAdapter`` (allauth's adapter,
with the sealing of ``accounts.adapters``) keeps them from removing their last one.
"""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect

from kapcare.accounts.adapters import SealingMFAAdapter
from kapcare.accounts.models import User
from kapcare.people.access import actor_for_user
from kapcare.people.policy import needs_second_factor

# Factors that make a second step; recovery codes only stand in for a lost one.
SECOND_STEP_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
_SESSION_FLAG = "kapcare_second_factor_ok"
# What a person who must enrol can still open: the enrolment pages themselves, the
# password re-entry they ask for, signing out, static files and the health check.
_OPEN_PREFIXES = (
    "/accounts/security/",
    "/accounts/reauthenticate/",
    "/accounts/sign-out/",
    "/static/",
    "/healthz",
)
ENROL_FIRST = (
    "Set up a second sign-in step (an authenticator app or a passkey) before using KAP Care."
)


def required() -> bool:
    return bool(settings.KAPCARE_SECOND_FACTOR_REQUIRED)


def must_enrol(user: User) -> bool:
    """Whether ``user`` must sign in with a second factor (when the practice requires it)."""
    if user.is_superuser or user.is_staff:
        return True
    return needs_second_factor(actor_for_user(user).roles)


def has_second_step(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type__in=SECOND_STEP_TYPES).exists())


class SecondFactorEnrolmentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not required() or not user.is_authenticated or not isinstance(user, User):
            return None
        if request.session.get(_SESSION_FLAG) or request.path_info.startswith(_OPEN_PREFIXES):
            return None
        if not must_enrol(user) or has_second_step(user):
            # Kept for the session: the adapter does not let the last factor go.
            request.session[_SESSION_FLAG] = True
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": ENROL_FIRST}, status=403)
        messages.warning(request, ENROL_FIRST)
        return redirect("mfa_index")


class MFAAdapter(SealingMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if authenticator.type not in SECOND_STEP_TYPES:
            return True
        if not required() or not must_enrol(user):
            return True
        others = Authenticator.objects.filter(user=user, type__in=SECOND_STEP_TYPES).exclude(
            pk=authenticator.pk
        )
        return bool(others.exists())
