"""How API callers prove who they are: a bearer token or the staff session.

A bearer token is tried first. The session is only a credential when someone
is signed in, and then its writes are CSRF-checked (a bearer request carries
no cookie a browser could send on its own, so it needs no CSRF token).
"""

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from kapcare.accounts.models import User
from kapcare.accounts.tokens import user_for_token
from kapcare.audit.services import request_ip

BEARER = "bearer"
CSRF_FAILED = (
    "The CSRF token is missing or wrong: reload the page and try again "
    "(scripts should use a personal access token instead of the session)."
)


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> User | None:
        # ninja's own version logs the whole header when DEBUG is on: a
        # credential in a log file. Parse it here without logging.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != BEARER or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token, source_ip=request_ip(request))
        if user is not None:
            # Downstream code reads request.user, as for a session.
            request.user = user
        return user


class StaffSession(SessionAuth):
    """The signed-in browser session (CSRF-checked for writes)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            # Nobody signed in: answer 401, not a CSRF refusal.
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)


API_AUTH = [BearerToken(), StaffSession()]
