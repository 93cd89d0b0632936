"""Sign in, sign out, change password: Django's views with our forms and pages.

A failed form answers 422 with the page and its errors. Sign-ins and sign-outs
are audited by ``accounts.signin_audit``; a password change is audited here,
in the same transaction as the change.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from kapcare.accounts.forms import ChangePasswordForm, SignInForm
from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.people.access import request_ip

UNPROCESSABLE = 422


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

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
