"""``manage.py schedule_reminders``: make sure the reminder sweep is queued for the worker."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from kapcare.core import clock
from kapcare.scheduling.tasks import ensure_sweep_scheduled


class Command(BaseCommand):
    help = (
        "Queue the reminder e-mail sweep for `manage.py db_worker` unless it is queued "
        "already (make run does this before starting the worker)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = ensure_sweep_scheduled(now=clock.now(), delay=dt.timedelta(0))
        self.stdout.write("Reminder sweep queued." if queued else "Reminder sweep already queued.")
