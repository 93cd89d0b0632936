"""Learn: the practice's plain-language pages about KAP (no client data, so no audit
beyond the portal's own sign-in). The demo's pages are written from the program's own
description and CLINICAL.md (preparation, medicine session, integration, safety)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kapcare.portal.access import portal_actor

# (address, title, one line about it), in reading order.
TOPICS = (
    ("sessions", "What KAP sessions look like", "Preparation, medicine and integration sessions."),
    ("preparation", "Preparing for a medicine session", "Fasting, a ride home, what to bring."),
    ("integration", "After a medicine session", "Rest, integration and your journal."),
    ("safety", "Staying safe", "Possible effects, and your right to stop at any time."),
    ("faq", "Questions people ask", "Who might benefit, video sessions, parts work and EMDR."),
)
_TITLES = {slug: title for slug, title, _ in TOPICS}


@require_GET
def learn(request: HttpRequest) -> HttpResponse:
    portal_actor(request)
    return render(request, "portal/learn/index.html", {"topics": TOPICS})


@require_GET
def learn_topic(request: HttpRequest, topic: str) -> HttpResponse:
    portal_actor(request)
    if topic not in _TITLES:
        raise Http404
    return render(request, f"portal/learn/{topic}.html", {"title": _TITLES[topic]})
