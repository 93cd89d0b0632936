"""Sign in, sign out, change password, my API tokens: Django's views with our pages.

A failed form answers 422 with the page and its errors. Sign-ins and sign-outs
are audited by ``accounts.signin_audit``; a password change is audited here,
in the same transaction as the change.

The password is checked here (with django-axes counting failures); a right one
hands over to django-allauth's login flow, whose stages ask for the second step
(an authenticator code, a passkey or a recovery code) when the person has one.
Nobody is signed in before every stage is passed.
"""

from typing import Any, NoReturn

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kapcare.accounts.forms import ChangePasswordForm, NewApiTokenForm, SignInForm
from kapcare.accounts.models import ApiToken, User
from kapcare.accounts.tokens import issue_token, revoke_token
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import AuditSource, record_event, request_ip
from kapcare.core import clock

UNPROCESSABLE = 422


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        login = Login(user=user, email=user.email, redirect_url=self.get_success_url())
        response: HttpResponse = perform_password_login(self.request, {"email": user.email}, login)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = UNPROCESSABLE
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


@method_decorator(never_cache, name="dispatch")
class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "accounts/change_password.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:password-changed")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            record_event(
                source=AuditSource(user=form.user, source_ip=request_ip(self.request)),
                action=AuditAction.UPDATE,
                detail="account:password-changed",
            )
        return response

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = UNPROCESSABLE
        return response


class PasswordChangedView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_changed.html"


# --- my API tokens (finding 7 of issue 12) ------------------------------------------


def _token_owner(request: HttpRequest) -> User:
    """The signed-in staff member; a portal client has no API, so no tokens either."""
    user = request.user
    if not isinstance(user, User) or not hasattr(user, "staff"):
        _deny(request, "api-token:not-staff")
    return user


def _deny(request: HttpRequest, detail: str) -> NoReturn:
    user = request.user if isinstance(request.user, User) else None
    record_event(
        source=AuditSource(user=user, source_ip=request_ip(request)),
        action=AuditAction.DENIED,
        outcome=AuditOutcome.DENIED,
        detail=detail,
    )
    raise Http404


def _tokens_page(
    request: HttpRequest, user: User, form: NewApiTokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "secret": secret, "now": clock.now()},
        status=status,
    )


def api_tokens(request: HttpRequest) -> HttpResponse:
    """List my tokens (live, expired, revoked) and make a new one, shown once."""
    user = _token_owner(request)
    if request.method != "POST":
        return _tokens_page(request, user, NewApiTokenForm())
    form = NewApiTokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, user, form, status=UNPROCESSABLE)
    issued = issue_token(
        user=user,
        name=form.cleaned_data["name"],
        days=form.cleaned_data["days"],
        source_ip=request_ip(request),
    )
    # Rendered, not redirected: the secret must not travel in a URL or sit in a session.
    return _tokens_page(request, user, NewApiTokenForm(), secret=issued.secret, status=201)


@require_POST
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _token_owner(request)
    if not revoke_token(user=user, token_id=token_id, source_ip=request_ip(request)):
        # Someone else's token, or one already ended, looks the same: not found.
        _deny(request, f"api-token:revoke-refused:{token_id}")
    messages.success(request, "The token is revoked: it no longer works.")
    return HttpResponseRedirect(reverse("accounts:api-tokens"))
