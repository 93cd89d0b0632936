from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.accounts.models import User
from kapcare.accounts.tokens import revoke_tokens


class Command(BaseCommand):
    help = "Revoke EMAIL's tokens: all of them, or the one starting with --prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--prefix", help="The token's first characters (kapc_...).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError("No account has that email address.")
        count = revoke_tokens(user=user, prefix=options["prefix"])
        self.stdout.write(f"Revoked {count} token(s).")
