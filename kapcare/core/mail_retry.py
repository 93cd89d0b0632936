"""The one retry policy for every e-mail the task queue sends (django-tasks, run by
``manage.py db_worker``): portal invitations, questionnaire assignments, reminders and
the care team's portal notices.

django-tasks does not retry by itself. A mail task calls :func:`send_with_retry`: a
send that fails because the mail server is down or refuses enqueues the same task again
later (1, 2, 4, 8 minutes after the first, second... failed attempt), up to
:data:`MAX_ATTEMPTS`; then the task's ``give_up`` records the failure where staff see
it (and in the audit trail). Anything else that goes wrong is a defect, not a mail
outage, and fails the task as it is.
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from typing import Any

from django_tasks import default_task_backend
from django_tasks.base import Task

from kapcare.core import clock

__all__ = ["MAIL_FAILURES", "MAX_ATTEMPTS", "retry_delay", "send_with_retry"]

MAX_ATTEMPTS = 5
MAIL_FAILURES = (smtplib.SMTPException, OSError)
"""What a mail server that is down or refusing raises (``OSError`` covers a refused
connection and a timeout)."""

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> dt.timedelta:
    """1, 2, 4, 8 minutes after the first, second... failed attempt."""
    return dt.timedelta(minutes=2 ** (attempt - 1))


def send_with_retry(
    *,
    send: Callable[[], bool],
    task: Task[Any, Any],
    args: tuple[Any, ...],
    attempt: int,
    give_up: Callable[[], None],
    what: str,
) -> bool:
    """Run ``send`` (whether a mail went); on a mail failure, enqueue ``task(*args,
    attempt + 1)`` after :func:`retry_delay`, or call ``give_up`` after the last attempt.

    ``what`` names the mail in the log by kind and record id only: no address, name
    or content ever goes to the log.
    """
    try:
        return send()
    except MAIL_FAILURES:
        logger.warning("%s: sending failed (attempt %s of %s)", what, attempt, MAX_ATTEMPTS)
        if attempt >= MAX_ATTEMPTS:
            give_up()
            return False
        later = task
        if default_task_backend.supports_defer:
            later = later.using(run_after=clock.now() + retry_delay(attempt))
        later.enqueue(*args, attempt + 1)
        return False
