"""The demo practice's pathway: plans, consents and a week of appointments (synthetic).

Loaded after the people of the demo practice (``people.demo``). Every appointment is
booked through the one booking service, so the demo obeys the same rules as everyone
(preparation before medicine, an integration session after it, a monitor present, no
double booking). Idempotent: plans and consents are looked up first, and appointments
are booked only when none of the demo clients has one yet (so running ``load_demo``
again, even days later, adds nothing).

Times are the current week (Monday to Friday, America/New_York) and the three weeks
before it, so the calendar and charts look alive whenever the demo is loaded. Sessions
before this week are marked completed.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kapcare.core import clock
from kapcare.core.violations import Refused
from kapcare.pathway import services as pathway_services
from kapcare.pathway.models import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import (
    ClearanceStatus,
    ConsentKind,
    PlanFormat,
    PlanStatus,
    Route,
    TreatmentModality,
)
from kapcare.people.access import Actor, actor_for_user
from kapcare.people.demo import PRACTICE_NAME, demo_clients
from kapcare.people.models import CareTeamMember, Client, Location, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling import services
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality

__all__ = ["ScheduleLoadResult", "load_demo_schedule"]

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
BRYN_MAWR, PHILADELPHIA = "Bryn Mawr office", "Philadelphia office"

K, P, M, INT, T = (
    AppointmentKind.CONSULTATION,
    AppointmentKind.PREPARATION,
    AppointmentKind.MEDICINE,
    AppointmentKind.INTEGRATION,
    AppointmentKind.THERAPY,
)


@dataclass(frozen=True)
class DemoPlan:
    given: str
    plan_format: PlanFormat
    modalities: tuple[TreatmentModality, ...]
    goals: str
    status: PlanStatus = PlanStatus.ACTIVE
    cleared: bool = False
    """Medically cleared with a dose order (synthetic; the medicine demo adds detail)."""


_KAP, _PARTS, _EMDR = TreatmentModality.KAP, TreatmentModality.PARTS_WORK, TreatmentModality.EMDR
_ONGOING, _INTENSIVE = PlanFormat.ONGOING, PlanFormat.INTENSIVE

PLANS = (
    DemoPlan(
        "Elias", _ONGOING, (_KAP, _PARTS), "Stay present when a partner is upset.", cleared=True
    ),
    DemoPlan("Farah", _ONGOING, (_KAP, _EMDR), "Let friendships be close.", cleared=True),
    DemoPlan("Gideon", _INTENSIVE, (_KAP,), "Ask for help without shame.", cleared=True),
    DemoPlan("Harper", _ONGOING, (_KAP, _PARTS), "Feel safe being cared for.", cleared=True),
    DemoPlan("Imani", _ONGOING, (_KAP, _EMDR), "Trust calm relationships.", cleared=True),
    DemoPlan("Jonah", _ONGOING, (_KAP, _PARTS), "Repair after conflict.", cleared=True),
    DemoPlan("Kiri", _ONGOING, (_KAP,), "Stay connected to self in intimacy.", cleared=True),
    DemoPlan("Lena", _ONGOING, (_PARTS, _EMDR), "Notice old patterns early."),
    DemoPlan(
        "Mateo",
        _ONGOING,
        (_KAP, _PARTS),
        "Decide in his own time.",
        status=PlanStatus.PAUSED,
        cleared=True,
    ),
)


@dataclass(frozen=True)
class DemoSession:
    """One booking: ``day`` counts from this week's Monday (negative: earlier weeks)."""

    given: str
    kind: AppointmentKind
    day: int
    hour: int
    minutes: int
    location: str | None
    room: str | None
    with_monitor: bool = False
    follow_up: "DemoSession | None" = None
    client_state: str | None = None


def _s(
    given: str,
    kind: AppointmentKind,
    day: int,
    hour: int,
    room: str | None,
    *,
    minutes: int = 50,
    follow_up: DemoSession | None = None,
) -> DemoSession:
    location = None
    if room in {"Willow", "Cedar", "Harbor"}:
        location = BRYN_MAWR
    elif room is not None:
        location = PHILADELPHIA
    return DemoSession(
        given,
        kind,
        day,
        hour,
        minutes,
        location,
        room,
        with_monitor=kind is AppointmentKind.MEDICINE,
        follow_up=follow_up,
        client_state=None if room else "NJ",
    )


# In booking order: preparation before medicine, and each medicine session with its
# integration session booked in the same request.
# fmt: off
SESSIONS = (
    # three and two weeks ago (Mateo's one medicine session, before he paused his plan)
    _s("Mateo", P, -20, 10, "Linden"), _s("Mateo", P, -17, 10, "Linden"),
    _s("Mateo", M, -11, 9, "Lantern", minutes=180, follow_up=_s("Mateo", INT, -10, 14, "Linden")),
    _s("Jonah", P, -21, 10, "Willow"), _s("Kiri", P, -19, 14, "Birch"),
    _s("Jonah", P, -14, 10, "Willow"), _s("Kiri", P, -12, 14, "Birch"),
    _s("Harper", P, -13, 14, "Willow"), _s("Imani", P, -12, 10, "Birch"),
    # last week
    _s("Harper", P, -7, 14, "Willow"), _s("Imani", P, -5, 10, "Birch"),
    _s("Farah", P, -4, 10, "Willow"), _s("Gideon", P, -2, 10, "Linden"),
    _s("Caleb", K, -3, 10, "Willow"), _s("Delphine", K, -3, 10, "Birch"),
    _s("Lena", T, -4, 14, "Cedar"),
    _s("Jonah", M, -6, 9, "Harbor", minutes=180, follow_up=_s("Jonah", INT, 0, 10, "Willow")),
    _s("Kiri", M, -4, 9, "Lantern", minutes=180, follow_up=_s("Kiri", INT, 1, 14, "Birch")),
    # this week
    _s("Avery", K, 0, 14, "Willow"), _s("Bianca", K, 0, 10, None),
    _s("Farah", P, 1, 10, "Willow"), _s("Gideon", P, 1, 10, "Linden"),
    _s("Mateo", T, 2, 10, "Linden"), _s("Delphine", T, 2, 14, "Birch"),
    _s("Lena", T, 3, 10, "Cedar"), _s("Elias", T, 4, 10, "Willow"),
    _s("Harper", M, 2, 9, "Harbor", minutes=180, follow_up=_s("Harper", INT, 4, 13, "Willow")),
    _s("Imani", M, 3, 9, "Lantern", minutes=180, follow_up=_s("Imani", INT, 4, 14, "Birch")),
)
# fmt: on


@dataclass
class ScheduleLoadResult:
    created_plans: int = 0
    created_consents: int = 0
    created_appointments: int = 0
    refused: list[str] = field(default_factory=list)
    """Bookings the rules refused (e.g. after a practice changed its working hours)."""

    @property
    def summary(self) -> str:
        text = (
            f"Demo pathway ready ({self.created_plans} plans, {self.created_consents} "
            f"consents and {self.created_appointments} appointments added this time)."
        )
        if self.refused:
            text += " Not booked, the rules refused: " + "; ".join(self.refused) + "."
        return text


@dataclass(frozen=True)
class _Demo:
    clients: dict[str, Client]
    team: dict[tuple[int, Role], StaffMember]
    locations: dict[str, Location]
    rooms: dict[str, Room]
    front_desk: Actor
    therapists: dict[int, Actor]


def _demo() -> _Demo | None:
    clients = demo_clients()
    if not clients:
        return None
    team = {
        (m.client_id, Role(m.role)): m.staff
        for m in CareTeamMember.objects.filter(client__in=clients.values()).select_related(
            "staff__user"
        )
    }
    front_desk = StaffMember.objects.select_related("user").get(
        practice__name=PRACTICE_NAME, user__email="frontdesk@example.org"
    )
    therapists = {
        staff.pk: actor_for_user(staff.user)
        for (_, role), staff in team.items()
        if role is Role.THERAPIST
    }
    return _Demo(
        clients=clients,
        team=team,
        locations={loc.name: loc for loc in Location.objects.filter(practice__name=PRACTICE_NAME)},
        rooms={r.name: r for r in Room.objects.filter(location__practice__name=PRACTICE_NAME)},
        front_desk=actor_for_user(front_desk.user),
        therapists=therapists,
    )


def _therapist(demo: _Demo, client: Client) -> Actor:
    return demo.therapists[demo.team[(client.pk, Role.THERAPIST)].pk]


def _pathway(demo: _Demo, base: dt.date, now: dt.datetime, result: ScheduleLoadResult) -> None:
    signed = base - dt.timedelta(days=28)
    for spec in PLANS:
        client = demo.clients[spec.given]
        therapist = _therapist(demo, client)
        if not TreatmentPlan.objects.filter(client=client).exists():
            # Written active: a plan paused later (Mateo) had its sessions booked first.
            pathway_services.record_plan(
                actor=therapist,
                client_id=client.pk,
                plan_format=spec.plan_format,
                status=PlanStatus.ACTIVE,
                modalities=list(spec.modalities),
                relational_goals=spec.goals,
                now=now,
            )
            result.created_plans += 1
        kinds = [ConsentKind.KAP_INFORMED_CONSENT, ConsentKind.TELEHEALTH]
        for kind in kinds:
            if not Consent.objects.filter(client=client, kind=kind.value).exists():
                pathway_services.record_consent(
                    actor=therapist,
                    client_id=client.pk,
                    kind=kind,
                    version="2026.1",
                    signed_on=signed,
                    now=now,
                )
                result.created_consents += 1
        doctor = demo.team.get((client.pk, Role.MEDICAL_PROVIDER))
        if spec.cleared and doctor is not None:
            # Synthetic rows as the medical provider would have recorded them (the
            # screening they rest on is added once measures are loaded: pathway.demo).
            if not Clearance.objects.filter(client=client).exists():
                Clearance.objects.create(
                    client=client,
                    version=1,
                    status=ClearanceStatus.CLEARED.value,
                    valid_until=base + dt.timedelta(days=180),
                    note="Demo clearance (synthetic).",
                    recorded_by=doctor,
                    recorded_at=now,
                )
            if not DoseOrder.objects.filter(client=client).exists():
                DoseOrder.objects.create(
                    client=client,
                    route=Route.SUBLINGUAL.value,
                    dose_mg=Decimal(200),
                    max_dose_mg=Decimal(300),
                    active_from=signed,
                    ordered_by=doctor,
                    ordered_at=now,
                )
    # The other demo clients (consultation, screening) get no plan yet: the pathway
    # starts with getting to know each other.
    for given in ("Bianca",):
        client = demo.clients[given]
        if not Consent.objects.filter(client=client, kind=ConsentKind.TELEHEALTH.value).exists():
            pathway_services.record_consent(
                actor=_therapist(demo, client),
                client_id=client.pk,
                kind=ConsentKind.TELEHEALTH,
                version="2026.1",
                signed_on=signed,
                now=now,
            )
            result.created_consents += 1


def _part(demo: _Demo, client: Client, spec: DemoSession, base: dt.date) -> dict[str, object]:
    day = base + dt.timedelta(days=spec.day)
    start = dt.datetime.combine(day, dt.time(spec.hour), tzinfo=NEW_YORK)
    staff = [demo.team[(client.pk, Role.THERAPIST)].pk]
    monitor = demo.team.get((client.pk, Role.MONITOR))
    if spec.with_monitor and monitor is not None:
        staff.append(monitor.pk)
    return {
        "kind": spec.kind,
        "modality": Modality.IN_PERSON if spec.room else Modality.TELEHEALTH,
        "start": start,
        "end": start + dt.timedelta(minutes=spec.minutes),
        "staff_ids": tuple(staff),
        "location_id": demo.locations[spec.location].pk if spec.location else None,
        "room_id": demo.rooms[spec.room].pk if spec.room else None,
        "client_location_state": spec.client_state,
    }


def _appointments(demo: _Demo, base: dt.date, now: dt.datetime, result: ScheduleLoadResult) -> None:
    if Appointment.objects.filter(client__in=demo.clients.values()).exists():
        return  # booked on an earlier load: booking again would fill another week
    for spec in SESSIONS:
        client = demo.clients[spec.given]
        follow_up = (
            services.FollowUpRequest(**_part(demo, client, spec.follow_up, base))  # type: ignore[arg-type]
            if spec.follow_up is not None
            else None
        )
        request = services.AppointmentRequest(
            client_id=client.pk,
            follow_up=follow_up,
            **_part(demo, client, spec, base),  # type: ignore[arg-type]
        )
        try:
            booked = services.book_appointment(actor=demo.front_desk, request=request, now=now)
        except Refused as refused:
            rules = ", ".join(sorted({v.rule for v in refused.violations}))
            result.refused.append(f"{spec.kind.value} on day {spec.day} ({rules})")
            continue
        result.created_appointments += 1 + (booked.follow_up is not None)
        for appointment in (booked.appointment, booked.follow_up):
            if appointment is not None and appointment.start < dt.datetime.combine(
                base, dt.time(), tzinfo=NEW_YORK
            ):
                services.set_appointment_status(
                    actor=demo.front_desk,
                    appointment_id=appointment.pk,
                    status=AppointmentStatus.COMPLETED,
                    reason="",
                    now=now,
                )


@transaction.atomic
def load_demo_schedule(now: dt.datetime | None = None) -> ScheduleLoadResult:
    """Plans, consents and appointments for the demo practice; adds nothing the 2nd time."""
    now = now if now is not None else clock.now()
    result = ScheduleLoadResult()
    demo = _demo()
    if demo is None:
        return result
    today = now.astimezone(NEW_YORK).date()
    base = today - dt.timedelta(days=today.weekday())
    _pathway(demo, base, now, result)
    _appointments(demo, base, now, result)
    _plan_changes(demo, now)
    return result


def _plan_changes(demo: _Demo, now: dt.datetime) -> None:
    """Plans whose demo status is not active change to it once their sessions are in."""
    for spec in PLANS:
        client = demo.clients[spec.given]
        plan = TreatmentPlan.objects.get(client=client)
        if spec.status.value != plan.status and plan.status == PlanStatus.ACTIVE.value:
            pathway_services.record_plan(
                actor=_therapist(demo, client),
                client_id=client.pk,
                plan_format=spec.plan_format,
                status=spec.status,
                modalities=list(spec.modalities),
                now=now,
            )
