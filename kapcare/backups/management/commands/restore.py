import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from kapcare.backups.dumps import BackupError, restore_from


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by `manage.py backup`. The "
        "file is checked first: a missing, foreign or damaged file changes nothing. Stop "
        "the web server first; run verify_audit after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file written by `manage.py backup`")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="do not ask: replace the database's contents (for scripts)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        target = connection.settings_dict["NAME"]
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError(
                    "A restore replaces everything in the database: give --yes to confirm."
                )
            answer = input(f"Replace everything in {target} with {path}? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            kind = restore_from(path)
        except BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {target} from {path} ({kind}). Run `manage.py verify_audit` now."
            )
        )
