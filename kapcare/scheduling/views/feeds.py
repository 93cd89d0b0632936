"""A staff member's iCalendar feed: its settings page, and the feed itself (no sign-in:
the secret in its address is the key).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.services import request_ip
from kapcare.core import clock
from kapcare.people.access import staff_actor
from kapcare.scheduling import ical
from kapcare.scheduling.models import CalendarFeed

FEED_CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own calendar feed: make (or replace) the address, or revoke."""
    actor = staff_actor(request)
    assert actor.staff is not None  # noqa: S101 (checked by _actor)
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            _, secret = ical.rotate_feed(actor=actor, staff_id=actor.staff.pk, now=clock.now())
            new_url = request.build_absolute_uri(ical.feed_path(secret))
        elif action == "revoke":
            ical.revoke_feed(actor=actor, staff_id=actor.staff.pk, now=clock.now())
            messages.success(request, "The calendar feed is revoked: its address no longer works.")
            return redirect("scheduling:feed-settings")
    feed: CalendarFeed | None = ical.live_feed(actor.staff.pk)
    response = render(request, "scheduling/feed_settings.html", {"feed": feed, "new_url": new_url})
    return response


@login_not_required
@never_cache
@require_GET
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed: no sign-in (calendar apps cannot), the secret in the URL is the key."""
    found = ical.find_feed(secret)
    if found is None:
        raise Http404("No such calendar feed.")
    body = ical.render_feed(found, now=clock.now(), source_ip=request_ip(request))
    response = HttpResponse(body, content_type=FEED_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="kapcare.ics"'
    response["Referrer-Policy"] = "no-referrer"
    return response
