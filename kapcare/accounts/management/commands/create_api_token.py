from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.accounts.models import ApiToken, User
from kapcare.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, issue_token


class Command(BaseCommand):
    help = "Create a personal access token for EMAIL and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="A label to recognise the token by.")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"How long the token lives: 1 to {MAX_DAYS} days (default {DEFAULT_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name_limit = ApiToken._meta.get_field("name").max_length or 0
        if len(options["name"]) > name_limit:
            raise CommandError(f"The --name label is longer than {name_limit} characters.")
        if not 1 <= options["days"] <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}.")
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError("No active account has that email address.")
        issued = issue_token(user=user, name=options["name"], days=options["days"])
        self.stderr.write("Store this token now: it is shown only once.")
        self.stdout.write(issued.secret)
