"""Sign-in lockout: django-axes per account and address, plus a limit per address.

Axes compares one count with one limit. Five wrong passwords lock an account from
one address (``AXES_FAILURE_LIMIT``); someone trying many accounts from one address
(password spraying) is stopped by ``KAPCARE_ADDRESS_FAILURE_LIMIT`` failures from that
address across all accounts, counted over the same cool-off window. The second limit
is larger because a practice's staff often share one address.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address, across accounts, in the cool-off window."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def _address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= int(settings.KAPCARE_ADDRESS_FAILURE_LIMIT)


class AddressLimitHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        """Whether a sign-in may not even be tried (the backend refuses before the password)."""
        return bool(super().is_locked(request, credentials)) or _address_locked(request)

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        # Axes decides "locked out" (the answer the middleware turns into the lockout
        # page) from the per-account count alone; the per-address count decides too.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and _address_locked(request):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
