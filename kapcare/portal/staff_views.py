"""The staff side of the portal: notices seen, invitations and ending portal access
(buttons on the chart's "Portal" panel)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.people.access import staff_actor
from kapcare.portal.services.invitations import end_portal_access, invite_client
from kapcare.portal.services.notices import mark_notice_seen
from kapcare.portal.tasks import queue_invitation


def _back(request: HttpRequest, client_id: int) -> HttpResponse:
    """Back to the page the button was on: the chart or the client's details."""
    page = (
        "people:client-profile" if request.POST.get("back") == "profile" else "people:client-chart"
    )
    return redirect(reverse(page, args=[client_id]) + "#portal-h")


@require_POST
def notice_seen(request: HttpRequest, notice_id: int) -> HttpResponse:
    mark_notice_seen(actor=staff_actor(request), notice_id=notice_id, now=clock.now())
    return redirect("home")


@require_POST
def invite(request: HttpRequest, client_id: int) -> HttpResponse:
    with submitting(lambda error: messages.error(request, error.message)) as submitted:
        invitation = invite_client(actor=staff_actor(request), client_id=client_id, now=clock.now())
    if not submitted.ok:
        return _back(request, client_id)
    queue_invitation(invitation.pk, request.build_absolute_uri("/").rstrip("/"))
    messages.success(request, f"The invitation is on its way to {invitation.email}.")
    return _back(request, client_id)


@require_POST
def end_access(request: HttpRequest, client_id: int) -> HttpResponse:
    with submitting():
        ended = end_portal_access(actor=staff_actor(request), client_id=client_id, now=clock.now())
    messages.success(
        request,
        "Portal access ended: the client is signed out everywhere."
        if ended
        else "The client had no portal access to end.",
    )
    return _back(request, client_id)
