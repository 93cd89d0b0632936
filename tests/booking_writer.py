"""A child process for the crash test (tests/test_crash_durability.py): it books therapy
sessions through the one booking service, one after another as fast as it can, and writes
each appointment's id to standard output once ``book_appointment`` has returned (its
transaction committed): that line is the acknowledgement the parent holds it to.

Run as ``python tests/booking_writer.py PLAN_JSON`` with ``DATABASE_URL`` naming the
database; the parent kills it with SIGKILL somewhere in the middle of a booking.
"""

import datetime as dt
import json
import os
import sys

import django


def main(plan: dict[str, object]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapcare.settings")
    django.setup()
    from kapcare.accounts.models import User
    from kapcare.people.access import actor_for_user
    from kapcare.scheduling.requests import AppointmentRequest
    from kapcare.scheduling.services import book_appointment
    from kapcare.scheduling.vocabulary import AppointmentKind, Modality

    actor = actor_for_user(User.objects.get(pk=int(str(plan["user"]))))
    first = dt.datetime.fromisoformat(str(plan["start"]))
    now = dt.datetime.fromisoformat(str(plan["now"]))
    for n in range(int(str(plan["count"]))):
        # One session each weekday (``start`` is a Monday): no booking rule is in the way,
        # so every attempt writes.
        day = first + dt.timedelta(days=7 * (n // 5) + n % 5)
        booked = book_appointment(
            actor=actor,
            request=AppointmentRequest(
                client_id=int(str(plan["client"])),
                kind=AppointmentKind.THERAPY,
                modality=Modality.IN_PERSON,
                start=day,
                end=day + dt.timedelta(minutes=50),
                staff_ids=(int(str(plan["staff"])),),
                location_id=int(str(plan["location"])),
                room_id=int(str(plan["room"])),
            ),
            now=now,
        )
        sys.stdout.write(f"{booked.appointment.pk}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
