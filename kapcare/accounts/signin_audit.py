"""Sign-in successes, failures and sign-outs go to the audit trail.

Django and django-allauth only announce these through signals (sign-in, its
failures, a second factor added, removed, reset or refused, a password reset),
so this is the one place the project listens to signals.
"""

from collections.abc import Callable
from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from kapcare.accounts import session_clock
from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import AuditSource, clean_ip, record_event


def _ip(request: HttpRequest | None) -> str | None:
    return clean_ip(request.META.get("REMOTE_ADDR")) if request is not None else None


@receiver(user_logged_in, dispatch_uid="kapcare_audit_login")
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_clock.start(request.session)  # the idle timer runs from here
    record_event(
        source=AuditSource(user=user, source_ip=_ip(request)),
        action=AuditAction.LOGIN,
        detail="sign-in",
    )


@receiver(user_logged_out, dispatch_uid="kapcare_audit_logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        reason = session_clock.sign_out_reason(request)
        record_event(
            source=AuditSource(user=user, source_ip=_ip(request)),
            action=AuditAction.LOGOUT,
            detail=f"sign-out: {reason}" if reason else "sign-out",
        )


@receiver(user_login_failed, dispatch_uid="kapcare_audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Name the account if it exists; never store the text that was typed,
    # which is sometimes a password in the wrong box.
    email = str(credentials.get("username") or credentials.get("email") or "")
    user = User.objects.filter(email__iexact=email).first() if email else None
    record_event(
        source=AuditSource(user=user, source_ip=_ip(request)),
        action=AuditAction.LOGIN,
        outcome=AuditOutcome.FAILURE,
        detail="sign-in failed" if user else "sign-in failed: unknown account",
    )


def _factor_change(action: AuditAction, verb: str) -> Callable[..., None]:
    """A receiver auditing one kind of change to a person's second factors."""

    def receive(
        sender: Any, request: HttpRequest | None, user: User, authenticator: Any, **kwargs: Any
    ) -> None:
        record_event(
            source=AuditSource(user=user, source_ip=_ip(request)),
            action=action,
            detail=f"second-factor:{verb}:{authenticator.type}",
        )

    return receive


for _signal, _action, _verb in (
    (mfa_signals.authenticator_added, AuditAction.CREATE, "added"),
    (mfa_signals.authenticator_removed, AuditAction.DELETE, "removed"),
    (mfa_signals.authenticator_reset, AuditAction.UPDATE, "reset"),
):
    # weak=False: the receiver is made here and held by nothing else.
    _signal.connect(
        _factor_change(_action, _verb), weak=False, dispatch_uid=f"kapcare_audit_factor_{_verb}"
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="kapcare_audit_factor_failed")
def _factor_failed(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Any, **kwargs: Any
) -> None:
    record_event(
        source=AuditSource(user=user, source_ip=_ip(request)),
        action=AuditAction.LOGIN,
        outcome=AuditOutcome.FAILURE,
        detail="second step failed",
    )


@receiver(account_signals.password_reset, dispatch_uid="kapcare_audit_password_reset")
def _password_reset(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record_event(
        source=AuditSource(user=user, source_ip=_ip(request)),
        action=AuditAction.UPDATE,
        detail="account:password-reset",
    )
