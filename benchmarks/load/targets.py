"""What the load benchmark asks for: the people, clients, days and slots of a generated practice.

Read from the database the server uses (``DATABASE_URL``) before the run, through the
ORM; the requests themselves go over HTTP to the server (``runner``).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from kapcare.accounts.tokens import issue_token
from kapcare.core import clock
from kapcare.pathway.models import TreatmentPlan
from kapcare.people.models import CareTeamMember, Client, Location, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from kapcare.synthetic.generate import GENERATED_PASSWORD

__all__ = ["BENCH_REASON", "Targets", "find_targets", "remove_bench_bookings"]

BENCH_REASON = "load benchmark"
"""The cancellation reason of the benchmark's own bookings."""


@dataclass(frozen=True)
class Targets:
    practice: str
    clients: int
    appointments: int
    therapist_email: str
    privacy_email: str
    password: str
    therapist_token: str
    desk_token: str
    therapist_id: int
    location_id: int
    client_id: int  # on the therapist's team, active, with sessions booked
    family_name: str
    day: dt.date  # a working day with the therapist's sessions
    week: dt.date  # the Monday of that day's week
    booking_clients: tuple[tuple[int, str], ...]  # (client id, state) free at 16:00
    zone: str


def _staff(practice: Practice, role: Role) -> StaffMember:
    found = (
        StaffMember.objects.filter(practice=practice, roles__role=role.value, is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if found is None:
        raise SystemExit(f"The generated practice has no {role.label}.")
    return found


def find_targets(practice_id: int | None = None) -> Targets:
    """The targets in the newest generated practice (or ``practice_id``)."""
    practices = Practice.objects.filter(name__startswith="Generated practice")
    practice = practices.get(pk=practice_id) if practice_id else practices.order_by("-id").first()
    if practice is None:
        raise SystemExit(
            "No generated practice in this database: run manage.py generate_practice first."
        )
    therapist, desk, privacy = (
        _staff(practice, r) for r in (Role.THERAPIST, Role.FRONT_DESK, Role.PRIVACY_OFFICER)
    )
    location = Location.objects.filter(practice=practice).order_by("id").first()
    assert location is not None
    zone = zoneinfo.ZoneInfo(location.time_zone)
    now = clock.now()
    team = CareTeamMember.objects.filter(staff=therapist).values("client_id")
    upcoming = Appointment.objects.filter(
        client_id__in=team, status="booked", start__gt=now
    ).order_by("start")
    first = upcoming.select_related("client").first()
    assert first is not None, "the therapist has nothing booked: generate a bigger practice"
    active = list(
        Client.objects.filter(pk__in=team, status="active")
        .exclude(pk__in=TreatmentPlan.objects.filter(status="paused").values("client_id"))
        .order_by("id")
        .values_list("id", "home_state")[:16]
    )
    day = first.start.astimezone(zone).date()
    return Targets(
        practice=practice.name,
        clients=Client.objects.filter(practice=practice).count(),
        appointments=Appointment.objects.filter(client__practice=practice).count(),
        therapist_email=therapist.user.email,
        privacy_email=privacy.user.email,
        password=GENERATED_PASSWORD,
        therapist_token=issue_token(user=therapist.user, name="bench-load").secret,
        desk_token=issue_token(user=desk.user, name="bench-load").secret,
        therapist_id=therapist.pk,
        location_id=location.pk,
        client_id=first.client_id,
        family_name=first.client.legal_family_name,
        day=day,
        week=day - dt.timedelta(days=day.weekday()),
        booking_clients=tuple(active),
        zone=location.time_zone,
    )


def remove_bench_bookings() -> int:
    """Delete the appointments the benchmark booked and cancelled; how many.

    A booking check reads the client's appointments, cancelled ones too: left in place,
    each run's bookings would make the next run's checks slower.
    """
    deleted, _ = Appointment.objects.filter(status="cancelled", status_reason=BENCH_REASON).delete()
    return deleted
