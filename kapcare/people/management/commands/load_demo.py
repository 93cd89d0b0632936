from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.measures.demo import load_demo_measures
from kapcare.medicine.demo import load_demo_medicine
from kapcare.notes.demo import load_demo_notes
from kapcare.pathway.demo import load_demo_screenings
from kapcare.pathway.demo_plans import load_demo_plans
from kapcare.people.demo import DEMO_PASSWORD, load_demo_practice, sign_ins
from kapcare.portal.demo import DEMO_CLIENT_EMAIL, load_demo_portal
from kapcare.scheduling.demo import load_demo_schedule
from kapcare.scheduling.demo_hours import load_demo_hours


class Command(BaseCommand):
    help = (
        "Load the demo practice (synthetic people only). Safe to run again: nothing is "
        "added twice. Refused in production, since the demo passwords are public."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sign-ins",
            action="store_true",
            help="Print the demo sign-ins after loading (make run does, just before serving).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The demo practice has public passwords: it is never loaded in production "
                "(KAPCARE_ENV=production)."
            )
        result = load_demo_practice()
        self.stdout.write(
            f"Demo practice ready ({result.created_staff} staff and "
            f"{result.created_clients} clients added this time)."
        )
        if (schedule := load_demo_schedule()).refused:  # the demo no longer fits the rules
            self.stderr.write(schedule.summary)
        load_demo_measures()  # a few months of synthetic results, after the schedule
        load_demo_screenings()  # what the clearances rest on, with the measures as they stand
        load_demo_medicine()  # one signed session record
        load_demo_hours()  # working hours and time off, after the bookings they would limit
        load_demo_notes()  # session notes, parts and EMDR telling each client's story
        load_demo_plans()  # problems, goals on the measures, interventions, signed reviews
        load_demo_portal()  # one demo client's portal sign-in
        if options["sign_ins"]:
            self.stdout.write("\nDemo sign-ins (synthetic accounts, local use only):")
            self.stdout.write(f"  {'email':<26} {'password':<16} role")
            for email, password, roles in sign_ins():
                self.stdout.write(f"  {email:<26} {password:<16} {roles}")
            self.stdout.write(f"  {DEMO_CLIENT_EMAIL:<26} {DEMO_PASSWORD:<16} client (the portal)")
            self.stdout.write("")
