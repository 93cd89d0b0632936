"""The invitation link: the client chooses a password and lands in the portal.

No sign-in (``login_not_required``): the token is the only key. As for completion
links and Django's password reset, the first request swaps the token for its digest in
the session and redirects to an address without it, so the token is in no later request
line, referrer or log entry. A wrong, used, replaced or expired link gets a plain page.
"""

from allauth.account.forms import SetPasswordForm
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.people.access import anonymous_source
from kapcare.portal.models import PortalInvitation
from kapcare.portal.services.invitations import (
    InvitationUnusable,
    accept_invitation,
    invitation_digest,
    usable_invitation,
    user_for_invitation,
)

SESSION_KEY = "portal_invitation"
# What the client is told about a link that cannot be used, and its HTTP status.
UNUSABLE = {
    "unknown": (404, "This link does not work", "The address may be incomplete."),
    "expired": (410, "This invitation has expired", "Invitation links work for 72 hours."),
    "used": (
        410,
        "This invitation has already been used",
        "Each invitation link works once. If you chose your password, sign in below.",
    ),
    "revoked": (
        410,
        "This invitation has been replaced",
        "Your care team sent a newer invitation, or withdrew this one.",
    ),
}


def _unusable(request: HttpRequest, reason: str) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    status, heading, why = UNUSABLE[reason]
    return render(
        request,
        "portal/invitation_unusable.html",
        {"heading": heading, "why": why, "reason": reason},
        status=status,
    )


@login_not_required
@never_cache
@require_GET
def welcome_link(request: HttpRequest, token: str) -> HttpResponse:
    digest = invitation_digest(token)
    try:
        usable_invitation(digest=digest, now=clock.now())
    except InvitationUnusable as unusable:
        return _unusable(request, unusable.reason)
    request.session[SESSION_KEY] = digest
    return redirect("portal:welcome")


def _invitation(request: HttpRequest) -> PortalInvitation:
    digest = request.session.get(SESSION_KEY)
    return usable_invitation(digest=digest if isinstance(digest, str) else None, now=clock.now())


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest) -> HttpResponse:
    try:
        invitation = _invitation(request)
    except InvitationUnusable as unusable:
        return _unusable(request, unusable.reason)
    try:
        user = user_for_invitation(invitation)
    except FieldError:
        return _unusable(request, "revoked")
    form = SetPasswordForm(data=request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and form.is_valid():
        try:
            user = accept_invitation(
                digest=invitation.digest,
                password=form.cleaned_data["password1"],
                now=clock.now(),
                source=anonymous_source(request),
            )
        except InvitationUnusable as unusable:
            return _unusable(request, unusable.reason)
        request.session.pop(SESSION_KEY, None)
        if is_mfa_enabled(user):
            # A second factor set up before (access ended, invited again): sign in
            # through the sign-in page, which asks for it.
            messages.success(request, "Your password is saved. Sign in to continue.")
            return redirect("accounts:sign-in")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. Your password is saved and you are signed in.")
        return redirect("portal:home")
    return render(
        request,
        "portal/welcome.html",
        {"form": form, "email": invitation.email},
        status=422 if form.is_bound else 200,
    )
