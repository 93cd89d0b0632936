"""The demo practice: synthetic people only, from the care model in the seed.

Loading is idempotent: every row is found by its natural key first, so running
``manage.py load_demo`` twice changes nothing the second time.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.people.models import (
    CareTeamMember,
    Client,
    Location,
    Practice,
    Room,
    StaffLicense,
    StaffMember,
    StaffRole,
)
from kapcare.people.policy import Category, Role
from kapcare.people.vocabulary import PathwayStage, RoomKind

DEMO_PASSWORD = "kap-demo-2026!"
PRACTICE_NAME = "Main Line Relational Healing (demo)"


@dataclass(frozen=True)
class DemoStaff:
    email: str
    name: str
    credentials: str
    roles: tuple[Role, ...]
    states: tuple[str, ...] = ()
    npi: str = ""


STAFF = (
    DemoStaff("therapist@example.org", "Maya Lindqvist", "PsyD", (Role.THERAPIST,), ("PA", "NJ")),
    DemoStaff("therapist2@example.org", "Jordan Okafor", "LPC", (Role.THERAPIST,), ("PA", "NJ")),
    DemoStaff(
        "medical@example.org",
        "Priya Raman",
        "MD",
        (Role.MEDICAL_PROVIDER,),
        ("PA", "NJ"),
        npi="1234567893",
    ),
    DemoStaff("monitor@example.org", "Sam Rivera", "RN", (Role.MONITOR,), ("PA",)),
    DemoStaff("monitor2@example.org", "Alex Chen", "RN", (Role.MONITOR,), ("PA",)),
    DemoStaff("frontdesk@example.org", "Dana Whitfield", "", (Role.FRONT_DESK,)),
    DemoStaff("privacy@example.org", "Morgan Ellis", "", (Role.PRIVACY_OFFICER,)),
)


@dataclass(frozen=True)
class DemoLocation:
    name: str
    address_line1: str
    address_line2: str
    city: str
    postal_code: str
    phone: str
    rooms: tuple[tuple[str, RoomKind], ...]
    state: str = "PA"
    time_zone: str = "America/New_York"
    offers_medicine_sessions: bool = True


# Each office: therapy rooms and exactly one medicine room (DESIGN.md, "Locations").
LOCATIONS = (
    DemoLocation(
        name="Bryn Mawr office",
        address_line1="101 Lancaster Avenue (demo)",
        address_line2="Suite 2",
        city="Bryn Mawr",
        postal_code="19010",
        phone="555-0100",
        rooms=(
            ("Willow", RoomKind.THERAPY),
            ("Cedar", RoomKind.THERAPY),
            ("Harbor", RoomKind.MEDICINE),
        ),
    ),
    DemoLocation(
        name="Philadelphia office",
        address_line1="200 Walnut Street (demo)",
        address_line2="Floor 5",
        city="Philadelphia",
        postal_code="19106",
        phone="555-0101",
        rooms=(
            ("Birch", RoomKind.THERAPY),
            ("Linden", RoomKind.THERAPY),
            ("Lantern", RoomKind.MEDICINE),
        ),
    ),
)


@dataclass(frozen=True)
class DemoClient:
    given: str
    family: str
    born: dt.date
    home_state: str
    stage: PathwayStage
    therapist: str
    preferred: str = ""
    pronouns: str = ""
    status: str = "active"


_T1, _T2 = "therapist@example.org", "therapist2@example.org"

# fmt: off
CLIENTS = (
    DemoClient("Avery", "Quill", dt.date(1988, 3, 14), "PA", PathwayStage.CONSULTATION, _T1, pronouns="they/them"),
    DemoClient("Bianca", "Thornfield", dt.date(1991, 7, 2), "NJ", PathwayStage.CONSULTATION, _T2, pronouns="she/her"),
    DemoClient("Caleb", "Marsh", dt.date(1979, 11, 23), "PA", PathwayStage.SCREENING, _T1, pronouns="he/him"),
    DemoClient("Delphine", "Arbor", dt.date(1985, 1, 9), "PA", PathwayStage.SCREENING, _T2, preferred="Del", pronouns="she/her"),
    DemoClient("Elias", "Fenwick", dt.date(1993, 5, 30), "NJ", PathwayStage.PLANNING, _T1, pronouns="he/him"),
    DemoClient("Farah", "Lindell", dt.date(1990, 9, 17), "PA", PathwayStage.PREPARATION, _T1, pronouns="she/her"),
    DemoClient("Gideon", "Sparrow", dt.date(1982, 12, 4), "PA", PathwayStage.PREPARATION, _T2, pronouns="he/him"),
    DemoClient("Harper", "Vale", dt.date(1996, 4, 21), "PA", PathwayStage.MEDICINE, _T1, pronouns="she/they"),
    DemoClient("Imani", "Brookes", dt.date(1987, 8, 11), "NJ", PathwayStage.MEDICINE, _T2, pronouns="she/her"),
    DemoClient("Jonah", "Ashgrove", dt.date(1975, 2, 28), "PA", PathwayStage.INTEGRATION, _T1, pronouns="he/him"),
    DemoClient("Kiri", "Holloway", dt.date(1999, 6, 6), "PA", PathwayStage.INTEGRATION, _T2, pronouns="they/them"),
    DemoClient("Lena", "Morrow", dt.date(1984, 10, 19), "NJ", PathwayStage.ONGOING, _T1, pronouns="she/her"),
    DemoClient("Mateo", "Calloway", dt.date(1992, 3, 3), "PA", PathwayStage.ONGOING, _T2, pronouns="he/him", status="paused"),
)
# fmt: on

# Stages at which the medical provider (screening onward) and a monitor
# (medicine sessions onward) join the care team.
_MEDICAL_FROM = {
    PathwayStage.SCREENING,
    PathwayStage.PLANNING,
    PathwayStage.PREPARATION,
    PathwayStage.MEDICINE,
    PathwayStage.INTEGRATION,
    PathwayStage.ONGOING,
}
_MONITOR_FROM = {PathwayStage.MEDICINE, PathwayStage.INTEGRATION, PathwayStage.ONGOING}


@dataclass(frozen=True)
class LoadResult:
    """What one load added: all zeros when the demo practice was already there."""

    created_locations: int
    created_rooms: int
    created_staff: int
    created_clients: int
    created_care_team_members: int


def _staff(practice: Practice, spec: DemoStaff) -> tuple[StaffMember, bool]:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create_user(spec.email, DEMO_PASSWORD, full_name=spec.name)
    member, created = StaffMember.objects.get_or_create(
        user=user,
        defaults={"practice": practice, "credentials": spec.credentials, "npi": spec.npi},
    )
    for role in spec.roles:
        StaffRole.objects.get_or_create(staff=member, role=role)
    for state in spec.states:
        StaffLicense.objects.get_or_create(staff=member, state=state)
    return member, created


@transaction.atomic
def load_demo_practice() -> LoadResult:
    practice, _ = Practice.objects.get_or_create(name=PRACTICE_NAME)
    created_locations = created_rooms = 0
    for place in LOCATIONS:
        location, created = Location.objects.get_or_create(
            practice=practice,
            name=place.name,
            defaults={
                "address_line1": place.address_line1,
                "address_line2": place.address_line2,
                "city": place.city,
                "state": place.state,
                "postal_code": place.postal_code,
                "time_zone": place.time_zone,
                "phone": place.phone,
                "offers_medicine_sessions": place.offers_medicine_sessions,
            },
        )
        created_locations += created
        for room_name, kind in place.rooms:
            _, created = Room.objects.get_or_create(
                location=location, name=room_name, defaults={"kind": kind}
            )
            created_rooms += created

    staff: dict[str, StaffMember] = {}
    created_staff = 0
    for spec in STAFF:
        staff[spec.email], created = _staff(practice, spec)
        created_staff += created

    monitors = [staff["monitor@example.org"], staff["monitor2@example.org"]]
    created_clients = created_team = 0
    for index, person in enumerate(CLIENTS):
        client = _demo_client(practice, person)
        created = client is None
        if client is None:
            client = Client.objects.create(
                practice=practice,
                legal_given_name=person.given,
                legal_family_name=person.family,
                date_of_birth=person.born,
                **{
                    "preferred_name": person.preferred,
                    "pronouns": person.pronouns,
                    "email": f"{person.given.lower()}.{person.family.lower()}@example.com",
                    "phone": f"555-01{10 + index:02d}",
                    "home_state": person.home_state,
                    "emergency_contact_name": f"Contact of {person.given} (demo)",
                    "emergency_contact_relationship": "friend",
                    "emergency_contact_phone": f"555-02{10 + index:02d}",
                    "status": person.status,
                },
            )
        team = [(staff[person.therapist], Role.THERAPIST)]
        if person.stage in _MEDICAL_FROM:
            team.append((staff["medical@example.org"], Role.MEDICAL_PROVIDER))
        if person.stage in _MONITOR_FROM:
            team.append((monitors[index % 2], Role.MONITOR))
        for member, role in team:
            _, joined = CareTeamMember.objects.get_or_create(
                client=client, staff=member, defaults={"role": role}
            )
            created_team += joined
        if created:
            created_clients += 1
            record_event(
                source=AuditSource(user=None, source_ip=None),
                action=AuditAction.CREATE,
                client_id=client.pk,
                category=Category.DEMOGRAPHICS,
                detail="load_demo",
            )
    return LoadResult(
        created_locations=created_locations,
        created_rooms=created_rooms,
        created_staff=created_staff,
        created_clients=created_clients,
        created_care_team_members=created_team,
    )


def _demo_client(practice: Practice, person: DemoClient) -> Client | None:
    # The first client with the demo's name and date of birth is the demo's own: a
    # practice may have added a confirmed duplicate since, and that must not break a load.
    return (
        Client.objects.filter(
            practice=practice,
            legal_given_name=person.given,
            legal_family_name=person.family,
            date_of_birth=person.born,
        )
        .order_by("pk")
        .first()
    )


def demo_clients(practice_name: str = PRACTICE_NAME) -> dict[str, Client]:
    """The demo's own clients by first name (never a later duplicate of one)."""
    practice = Practice.objects.filter(name=practice_name).first()
    if practice is None:
        return {}
    found = {person.given: _demo_client(practice, person) for person in CLIENTS}
    return {given: client for given, client in found.items() if client is not None}


def sign_ins() -> list[tuple[str, str, str]]:
    """(email, password, roles) for the demo staff, as ``make run`` prints them."""
    return [(s.email, DEMO_PASSWORD, ", ".join(r.value for r in s.roles)) for s in STAFF]
