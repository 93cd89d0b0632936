from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandParser

from kapcare.audit.verify import make_checkpoint


class Command(BaseCommand):
    help = (
        "Write the audit chain's head (sequence and hash), signed with KAPCARE_AUDIT_KEY, to "
        "a file or e-mail it, for safekeeping away from the database. `verify_audit "
        "--checkpoint FILE` later proves the trail up to it was not rewritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="file to write (default: print it)")
        parser.add_argument("--email", help="also send it to this address")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = make_checkpoint()
        text = checkpoint.to_json() + "\n"
        output: Path | None = options["output"]
        if output is not None:
            output.write_text(text)
            self.stderr.write(f"Checkpoint at event {checkpoint.seq} written to {output}.")
        else:
            self.stdout.write(text, ending="")
        if options["email"]:
            send_mail(
                f"KAP Care audit checkpoint at event {checkpoint.seq}",
                "Keep this message: it lets the practice prove later that its audit trail "
                "was not rewritten (manage.py verify_audit --checkpoint FILE).\n\n" + text,
                settings.DEFAULT_FROM_EMAIL,
                [options["email"]],
            )
