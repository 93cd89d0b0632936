from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.audit.models import AuditEvent
from kapcare.audit.verify import CheckpointError, check_checkpoint, verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's keyed hash chain (KAPCARE_AUDIT_KEY) and report the "
        "first broken link; with --checkpoint, also check a head saved by audit_checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            type=Path,
            help="a file written by `manage.py audit_checkpoint`: the trail must still hold it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event {broken.seq}: {broken.reason}.")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
        if options["checkpoint"] is not None:
            try:
                saved = check_checkpoint(options["checkpoint"])
            except CheckpointError as error:
                raise CommandError(f"Checkpoint check failed: {error}.") from None
            self.stdout.write(
                self.style.SUCCESS(f"Checkpoint at event {saved.seq} is genuine and still held.")
            )
