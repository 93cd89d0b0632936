from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kapcare.audit.models import AuditEvent
from kapcare.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event {broken.seq}: {broken.reason}.")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
