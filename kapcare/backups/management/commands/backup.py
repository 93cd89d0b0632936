from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.backups.dumps import BackupError, backup_to, default_backup_path, verify_backup
from kapcare.core import clock


class Command(BaseCommand):
    help = (
        "Back up the database: SQLite with its online backup API, PostgreSQL with pg_dump's "
        "custom format. With --verify, the new backup is then restored into a scratch "
        "database and its audit trail verified there. docs/deployment.md has the schedule."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="the file to write (default: var/backups/kapcare-<date>-<time>.sqlite3|.dump)",
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help="restore the new backup into a scratch database and run verify_audit on it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["output"] or default_backup_path(clock.now())
        try:
            made = backup_to(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {made.path} ({made.kind}, {made.size} bytes, audit trail "
                f"up to event {made.audit_seq}).\nSHA-256 {made.sha256} (also in "
                f"{made.path.name}.sha256)."
            )
        )
        if options["verify"]:
            try:
                verified = verify_backup(made.path)
            except BackupError as error:
                raise CommandError(f"The backup does not verify: {error}") from None
            self.stdout.write(
                self.style.SUCCESS(f"Backup verified in a scratch database: {verified.report}")
            )
