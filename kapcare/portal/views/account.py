"""The client's own account: password, second factor, and signing out everywhere."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kapcare.people.policy import Category
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.services.invitations import sign_out_everywhere


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.DEMOGRAPHICS, detail="portal:account")
    return render(request, "portal/account.html", {"client": client, "email": actor.user.email})


@require_POST
def sign_out_all(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    sign_out_everywhere(actor=actor)
    logout(request)
    messages.info(request, "You are signed out on every device, this one included.")
    return redirect("accounts:sign-in")
