from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.backups.dumps import BackupError, verify_backup


class Command(BaseCommand):
    help = (
        "Check a backup file: restore it into a scratch database (a temporary SQLite file, "
        "or a new database on the PostgreSQL server) and run verify_audit on it there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file written by `manage.py backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            verified = verify_backup(options["file"])
        except BackupError as error:
            raise CommandError(f"The backup does not verify: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{verified.path} ({verified.kind}) restores, and its audit trail verifies: "
                f"{verified.report}"
            )
        )
