"""Background work (django-tasks, run by ``manage.py db_worker``): the reminder sweep
and each reminder's mail.

The sweep is one task that sends what is due and enqueues its next run
(:data:`SWEEP_EVERY` later), so one worker keeps reminders going without a separate
scheduler. ``manage.py schedule_reminders`` (run by ``make run`` before the worker
starts) enqueues the first run unless one is already waiting; the check is repeated
before each re-enqueue, so restarts do not multiply the sweeps. Each reminder it finds
due is its own task, sent with the shared retry policy (``core.mail_retry``): a mail
server that is down delays reminders, never the sweep.
"""

import datetime as dt

from django_tasks import default_task_backend, task
from django_tasks_db.models import DBTaskResult

from kapcare.core import clock
from kapcare.core.mail_retry import send_with_retry
from kapcare.scheduling.reminders import (
    mark_reminder_failed,
    queue_due_reminders,
    send_reminder_mail,
)

__all__ = ["SWEEP_EVERY", "ensure_sweep_scheduled", "send_reminder", "send_reminders"]

SWEEP_EVERY = dt.timedelta(minutes=5)
_TASK_PATH = "kapcare.scheduling.tasks.send_reminders"


@task()
def send_reminders() -> int:
    """Queue the reminders due now, then schedule the next sweep; how many were queued."""
    queued = queue_due_reminders(now=clock.now())
    ensure_sweep_scheduled(now=clock.now())
    return queued


@task()
def send_reminder(reminder_id: int, attempt: int = 1) -> bool:
    """Send one reminder; whether it went (False: failed for now, or nothing to send)."""
    return send_with_retry(
        send=lambda: send_reminder_mail(reminder_id=reminder_id, now=clock.now()),
        task=send_reminder,
        args=(reminder_id,),
        attempt=attempt,
        give_up=lambda: mark_reminder_failed(reminder_id=reminder_id),
        what=f"Reminder {reminder_id}",
    )


def ensure_sweep_scheduled(*, now: dt.datetime, delay: dt.timedelta = SWEEP_EVERY) -> bool:
    """Enqueue the next sweep unless one is waiting; whether one was enqueued.

    Only with a backend that keeps tasks for later (the database backend of settings);
    elsewhere (an immediate backend in a test) nothing is enqueued.
    """
    if not default_task_backend.supports_defer:
        return False
    waiting = DBTaskResult.objects.filter(task_path=_TASK_PATH, status="READY").exists()
    if waiting:
        return False
    send_reminders.using(run_after=now + delay).enqueue()
    return True
