"""The demo practice's working hours and one week of time off (synthetic, idempotent).

Clinical staff work weekdays 08:00-18:00: Bryn Mawr on Monday, Wednesday and Friday,
Philadelphia on Tuesday and Thursday; Alex Chen (monitor) works in Philadelphia all
week. Jordan Okafor has a week away five weeks from the first load. Loaded after the
demo schedule, so the demo's own bookings are never refused by these hours; someone
whose hours are already recorded is left alone, so running it twice adds nothing.
"""

import datetime as dt
import zoneinfo

from django.db import transaction

from kapcare.core import clock
from kapcare.people.demo import PRACTICE_NAME
from kapcare.people.models import Location, StaffMember
from kapcare.scheduling.models import TimeOff, WorkingHours

__all__ = ["load_demo_hours"]

BRYN_MAWR_DAYS = (0, 2, 4)
PHILADELPHIA_DAYS = (1, 3)
CLINICAL = (
    "therapist@example.org",
    "therapist2@example.org",
    "medical@example.org",
    "monitor@example.org",
)
PHILADELPHIA_ONLY = ("monitor2@example.org",)
AWAY = "therapist2@example.org"
DAY = (dt.time(8), dt.time(18))


def load_demo_hours() -> int:
    """Record the demo's working hours and time off; how many staff got hours."""
    offices = {loc.name: loc for loc in Location.objects.filter(practice__name=PRACTICE_NAME)}
    bryn_mawr, philadelphia = offices.get("Bryn Mawr office"), offices.get("Philadelphia office")
    if bryn_mawr is None or philadelphia is None:
        return 0
    members = {
        m.user.email: m
        for m in StaffMember.objects.filter(practice__name=PRACTICE_NAME).select_related("user")
    }
    plan: dict[str, list[tuple[Location, int]]] = {
        email: [(bryn_mawr, d) for d in BRYN_MAWR_DAYS]
        + [(philadelphia, d) for d in PHILADELPHIA_DAYS]
        for email in CLINICAL
    }
    plan.update({email: [(philadelphia, d) for d in range(5)] for email in PHILADELPHIA_ONLY})
    added = 0
    with transaction.atomic():
        for email, days in plan.items():
            member = members.get(email)
            if member is None or WorkingHours.objects.filter(staff=member).exists():
                continue
            WorkingHours.objects.bulk_create(
                WorkingHours(
                    staff=member, location=loc, weekday=d, start_time=DAY[0], end_time=DAY[1]
                )
                for loc, d in days
            )
            added += 1
            if email == AWAY:
                zone = zoneinfo.ZoneInfo(bryn_mawr.time_zone)
                monday = clock.today() + dt.timedelta(days=35 - clock.today().weekday())
                start = dt.datetime.combine(monday, dt.time(), zone)
                TimeOff.objects.create(
                    staff=member,
                    start=start,
                    end=start + dt.timedelta(days=5),
                    reason="Annual leave (demo)",
                    created_by=member,
                    created_at=clock.now(),
                )
    return added
