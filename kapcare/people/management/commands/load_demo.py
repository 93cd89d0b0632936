from typing import Any

from django.core.management.base import BaseCommand

from kapcare.people.demo import load_demo_practice, sign_ins


class Command(BaseCommand):
    help = "Load the demo practice (synthetic people only). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo_practice()
        self.stdout.write(
            f"Demo practice ready ({result.created_staff} staff and "
            f"{result.created_clients} clients added this time)."
        )
        self.stdout.write("\nDemo sign-ins (synthetic accounts, local use only):")
        for email, password, roles in sign_ins():
            self.stdout.write(f"  {email:<26} {password:<16} {roles}")
