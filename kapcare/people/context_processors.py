from django.http import HttpRequest

from kapcare.people.access import actor_for_request


def actor(request: HttpRequest) -> dict[str, object]:
    """The signed-in actor, and the page layout they read pages in: a client reads the
    shared sign-in pages (second factor, /accounts/security/) in the portal's."""
    who = actor_for_request(request)
    client = who is not None and who.is_client
    return {"actor": who, "layout": "portal/base.html" if client else "base.html"}
