"""Sign-in successes, failures and sign-outs go to the audit trail.

Django only announces these through its auth signals, so this is the one
place the project listens to signals.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import AuditSource, clean_ip, record_event


def _ip(request: HttpRequest | None) -> str | None:
    return clean_ip(request.META.get("REMOTE_ADDR")) if request is not None else None


@receiver(user_logged_in, dispatch_uid="kapcare_audit_login")
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record_event(
        source=AuditSource(user=user, source_ip=_ip(request)),
        action=AuditAction.LOGIN,
        detail="sign-in",
    )


@receiver(user_logged_out, dispatch_uid="kapcare_audit_logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_event(
            source=AuditSource(user=user, source_ip=_ip(request)),
            action=AuditAction.LOGOUT,
            detail="sign-out",
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
