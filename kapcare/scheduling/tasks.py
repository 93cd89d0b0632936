"""Background work (django-tasks, run by ``manage.py db_worker``): the reminder sweep.

The sweep is one task that sends what is due and enqueues its next run
(:data:`SWEEP_EVERY` later), so one worker keeps reminders going without a separate
scheduler. ``manage.py schedule_reminders`` (run by ``make run`` before the worker
starts) enqueues the first run unless one is already waiting; the check is repeated
before each re-enqueue, so restarts do not multiply the sweeps.
"""

import datetime as dt

from django_tasks import default_task_backend, task
from django_tasks_db.models import DBTaskResult

from kapcare.core import clock
from kapcare.scheduling.reminders import send_due_reminders

__all__ = ["SWEEP_EVERY", "ensure_sweep_scheduled", "send_reminders"]

SWEEP_EVERY = dt.timedelta(minutes=5)
_TASK_PATH = "kapcare.scheduling.tasks.send_reminders"


@task()
def send_reminders() -> int:
    """Send the reminders due now, then schedule the next sweep; how many e-mails went."""
    sent = send_due_reminders(now=clock.now())
    ensure_sweep_scheduled(now=clock.now())
    return sent


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
