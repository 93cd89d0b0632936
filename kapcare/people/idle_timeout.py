"""Automatic log-off (ONC 170.315(d)(5)), for everyone signed in: staff and portal clients.

After the practice's idle limit (``Practice.idle_timeout_minutes``, 15 by default) without
a request, or after the absolute limit (``SESSION_COOKIE_AGE``, 8 hours by default) since
the sign-in, the next request signs the person out on the server: a page goes to the
sign-in (which leads back to it), the API answers 401. This holds without any script.

The page's script (``kapcare/idle-timeout.js``) only makes it visible: a warning dialog two
minutes before (with "Stay signed in"), and the sign-out when the time is up. It asks
``/accounts/session/`` how long is left (a GET that is not activity, so an open tab does not
keep a session alive) and tells it of activity in the page (a POST).
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kapcare.accounts import session_clock
from kapcare.accounts.session_clock import LAST_SEEN, SIGNED_IN_AT, mark_sign_out_reason
from kapcare.people.access import actor_for_request
from kapcare.people.models import Practice

STATUS_PATH = "/accounts/session/"
IDLE_LIMIT = "kapcare_idle_limit"  # seconds, kept in the session between refreshes
# The session is written at most this often for activity alone: a page view does not cost
# a database write, at the price of an idle limit up to this much longer.
TOUCH_EVERY = 30
WARN_BEFORE = 120  # seconds: the dialog shows this long before the sign-out
_DEFAULT_MINUTES: int = Practice._meta.get_field("idle_timeout_minutes").default


def idle_limit_seconds(request: HttpRequest) -> int:
    """The signed-in person's practice's idle limit, in seconds (read with the actor)."""
    actor = actor_for_request(request)
    minutes = actor.idle_timeout_minutes if actor is not None else None
    return (minutes or _DEFAULT_MINUTES) * 60


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = round(seconds / 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = session_clock.wall_seconds()
        last_seen = session.get(LAST_SEEN)
        signed_in_at = session.get(SIGNED_IN_AT)
        limit = session.get(IDLE_LIMIT) or idle_limit_seconds(request)
        if last_seen is not None and now - last_seen > limit:
            return self._sign_out(request, "idle", f"after {_duration(limit)} without activity")
        absolute = settings.SESSION_COOKIE_AGE
        if signed_in_at is not None and now - signed_in_at > absolute:
            why = f"after {_duration(absolute)} signed in"
            return self._sign_out(request, "session limit", why)
        # Asking how long is left is not activity; saying "I am here" is, at once.
        status_check = request.path_info == STATUS_PATH and request.method == "GET"
        said_here = request.path_info == STATUS_PATH and request.method == "POST"
        stale = last_seen is None or now - last_seen >= TOUCH_EVERY
        if not status_check and (stale or said_here):
            session[LAST_SEEN] = now
            session[IDLE_LIMIT] = idle_limit_seconds(request)  # a changed setting applies
            session.setdefault(SIGNED_IN_AT, now)
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, reason: str, why: str) -> HttpResponseBase:
        mark_sign_out_reason(request, reason)
        logout(request)  # audited as "sign-out: idle" (accounts.signin_audit)
        text = f"You were signed out {why}."
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": text, "signed_in": False}, status=401)
        # Shown on the sign-in page, also when the page's script found out (and reloads).
        messages.info(request, text + " Sign in again to go on where you were.")
        if request.path_info == STATUS_PATH:
            return JsonResponse({"detail": text, "signed_in": False})
        next_url = request.get_full_path() if request.method == "GET" else request.path
        sign_in = reverse(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{sign_in}?{urlencode({'next': next_url})}")


def seconds_left(request: HttpRequest) -> int:
    """Seconds until the idle sign-out (the middleware has just checked the session)."""
    session = request.session
    limit = session.get(IDLE_LIMIT) or idle_limit_seconds(request)
    last_seen = session.get(LAST_SEEN) or session_clock.wall_seconds()
    return max(0, round(limit - (session_clock.wall_seconds() - last_seen)))


@login_not_required  # answers an anonymous caller itself, as JSON
@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """GET: how long until the idle sign-out; POST: the person is active (resets it).

    ``signed_in`` is false once the session is gone (timed out here, or signed out in
    another tab)."""
    if not request.user.is_authenticated:
        # An answer, not an error: the page's script asked whether it is still signed in.
        return JsonResponse({"detail": "Not signed in.", "signed_in": False})
    return JsonResponse(
        {"signed_in": True, "seconds_left": seconds_left(request), "warn_before": WARN_BEFORE}
    )


def idle_timeout(request: HttpRequest) -> dict[str, object]:
    """Template context: the page's script needs the limit (none when nobody is signed in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"idle_limit_seconds": None}
    return {"idle_limit_seconds": request.session.get(IDLE_LIMIT) or idle_limit_seconds(request)}
