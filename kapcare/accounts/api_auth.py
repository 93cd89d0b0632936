"""How API callers prove who they are: a bearer token or the staff session."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from kapcare.accounts.models import User
from kapcare.accounts.tokens import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            # Downstream code reads request.user, as for a session.
            request.user = user
        return user


class StaffSession(SessionAuth):
    """The signed-in browser session (CSRF-checked for writes)."""


API_AUTH = [BearerToken(), StaffSession()]
