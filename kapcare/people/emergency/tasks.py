"""The privacy officers' e-mail about an emergency access, sent from the task queue
(django-tasks, run by ``manage.py db_worker``).

The e-mail names who opened a record and until when, never the client or the reason (an
e-mail is not a safe place for either): the review list holds them. It is the second way
the officer is told; the first is the review list and the count on their home page, which
do not depend on a mail server. A failed send is retried a few times, then left to those.
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django_tasks import default_task_backend, task

from kapcare.core import clock
from kapcare.core.templatetags.dates import when
from kapcare.people.models import EmergencyAccess, StaffMember, StaffRole
from kapcare.people.policy import Role

__all__ = ["EMAIL_SUBJECT", "MAX_ATTEMPTS", "notify_privacy_officers", "queue_notice"]

EMAIL_SUBJECT = "KAP Care: a record was opened with emergency access"
MAX_ATTEMPTS = 4
logger = logging.getLogger(__name__)


def _officer_addresses(practice_id: int) -> list[str]:
    officers = StaffRole.objects.filter(
        role=Role.PRIVACY_OFFICER.value, staff__practice_id=practice_id, staff__is_active=True
    ).values("staff_id")
    return sorted(
        set(
            StaffMember.objects.filter(pk__in=officers)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


@task()
def notify_privacy_officers(access_id: int, site_url: str, attempt: int = 1) -> int:
    """E-mail the practice's privacy officers about one emergency access; how many went."""
    access = EmergencyAccess.objects.select_related("staff__user").filter(pk=access_id).first()
    if access is None:
        return 0
    recipients = _officer_addresses(access.practice_id)
    if not recipients:
        return 0
    review = site_url.rstrip("/") + reverse("people:emergency-review")
    who = access.staff.user.full_name or access.staff.user.email
    body = (
        f"{who} opened a client's record with emergency access (they are not on the "
        f"client's care team). The access ends by itself {when(access.ends_at)}.\n\n"
        f"Review it, with the reason given and what was read (sign-in required): {review}\n\n"
        "This message is sent to the practice's privacy officers by KAP Care.\n"
    )
    messages = [
        EmailMessage(EMAIL_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in recipients
    ]
    try:
        with get_connection() as connection:
            return int(connection.send_messages(messages) or 0)
    except (OSError, smtplib.SMTPException):
        # The access is on the review list already; the log names no client.
        logger.warning("Emergency access %s: e-mail failed (attempt %s)", access_id, attempt)
        if attempt < MAX_ATTEMPTS:
            later = notify_privacy_officers
            if default_task_backend.supports_defer:
                later = later.using(run_after=clock.now() + dt.timedelta(minutes=2**attempt))
            later.enqueue(access_id, site_url, attempt + 1)
        return 0


def queue_notice(site_url: str) -> Callable[[int], object]:
    """What ``request_emergency_access`` runs once an access is committed: enqueue the
    e-mail, so the request is answered without waiting for a mail server."""
    return lambda access_id: notify_privacy_officers.enqueue(access_id, site_url)
