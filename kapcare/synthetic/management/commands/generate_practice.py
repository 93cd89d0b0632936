import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.core import clock
from kapcare.people.models import Practice
from kapcare.synthetic.generate import GENERATED_PASSWORD, generate_practice, practice_name
from kapcare.synthetic.writer import method


class Command(BaseCommand):
    help = (
        "Generate a synthetic practice of N clients with years of history (deterministic "
        "for a seed and a day), for measuring. Refused in production."
    )

    # The checks import every URL and API schema (seconds on a busy machine) and
    # concern serving, not writing rows; `manage.py check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, required=True, help="How many clients.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same practice.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("A generated practice has public passwords: never in production.")
        clients, seed = options["clients"], options["seed"]
        if clients < 1:
            raise CommandError("--clients must be at least 1.")
        if Practice.objects.filter(name=practice_name(clients, seed)).exists():
            raise CommandError(
                f"{practice_name(clients, seed)} is already in this database; use another "
                "seed or a fresh database."
            )
        started = time.monotonic()
        self.stdout.write(f"Generating {clients:,} clients (seed {seed}) with {method()}...")

        def progress(done: int, total: int, rows: int) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            width = 30
            filled = width * done // total
            rate = done / elapsed
            left = (total - done) / rate if rate else 0
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} clients "
                f"{rate:,.0f} clients/s {rows / elapsed:,.0f} rows/s  ~{left:,.0f} s left  ",
                ending="",
            )
            self.stdout.flush()

        result = generate_practice(clients=clients, seed=seed, now=clock.now(), progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write("")
        total = sum(result.rows.values())
        self.stdout.write(
            f"Done in {elapsed:,.1f} s: {total:,} rows ({total / elapsed:,.0f} rows/s, {method()})."
        )
        for table, count in result.rows.items():
            self.stdout.write(f"  {table:<18} {count:>12,}")
        self.stdout.write(f"Sign-ins (password {GENERATED_PASSWORD}):")
        for email, role in result.sign_ins:
            self.stdout.write(f"  {email:<48} {role}")
