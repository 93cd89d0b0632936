"""A client signed in to the portal reaches the portal, and nothing else.

Every staff page, every ``/api/v1/`` endpoint and the admin answer a client 404 (the
same as a page that does not exist, audited as a refusal), whatever the view itself
would decide: the views check again (``staff_actor``), so this is the outer wall, not
the only one. The site's front page, where sign-in lands, sends a client to the portal.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse

from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import record_event
from kapcare.people.access import NotFound, actor_for_request

# Where a client may go: the portal and its API (``/api/v1/portal/``: the client's own
# records, checked again by ``portal.access``), their account (sign out, password,
# second factor), static files and the health check.
CLIENT_PATHS = ("/portal/", "/api/v1/portal/", "/accounts/", "/static/", "/healthz")


class ClientConfinementMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        if not path.startswith(CLIENT_PATHS):
            actor = actor_for_request(request)
            if actor is not None and actor.is_client:
                if path == "/":
                    return HttpResponseRedirect(reverse("portal:home"))
                record_event(
                    source=actor.audit_source,
                    action=AuditAction.DENIED,
                    outcome=AuditOutcome.DENIED,
                    detail="portal:staff-path",
                )
                raise NotFound
        return self.get_response(request)
