"""The one world most tests start from: a practice with a staff member per role, a client
on their care team and one who is not, two offices and a day to book on.

``conftest.py`` serves it as the ``world`` fixture; it is the only way a test builds a
practice with staff and clients. A test that needs more adds it here when several tests
share it (``ready_for_medicine``, ``with_portal_client``), or with ``tests.factories``
when it is the test's own (an appointment already in the calendar).
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from kapcare.accounts.models import User
from kapcare.core import clock
from kapcare.medicine.tests.fixtures import screening_all_no
from kapcare.pathway.vocabulary import PlanFormat
from kapcare.people.models import Client, ClientAccount, Location, Practice, Room, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from tests.factories import (
    make_clearance,
    make_consent,
    make_dose_order,
    make_location,
    make_plan,
    make_room,
    make_user,
)


@dataclass(frozen=True)
class World:
    practice: Practice
    staff: dict[Role, StaffMember]
    """One staff member per role, licensed in PA and NJ."""
    client: Client
    """On the care team of the therapist, medical provider and monitor."""
    other_client: Client
    """On nobody's care team."""
    office: Location
    """Bryn Mawr, PA: offers medicine sessions; rooms Willow (therapy), Cedar (medicine)."""
    therapy_room: Room
    medicine_room: Room
    other_office: Location
    """Philadelphia, PA: therapy only; room Elm."""
    other_room: Room
    day: dt.date
    """A Monday at least a week ahead: nothing else is booked then."""
    superuser: User | None = None
    """An administrator with no staff record (``with_superuser``)."""
    client_user: User | None = None
    """``client``'s own portal sign-in (``with_portal_client``)."""

    def staff_id(self, role: Role) -> int:
        return self.staff[role].pk

    def ready_for_medicine(
        self,
        *,
        at: dt.datetime,
        valid_until: dt.date,
        plan_format: PlanFormat = PlanFormat.ONGOING,
        route: str = "intramuscular",
        dose_mg: Decimal = Decimal(50),
        max_dose_mg: Decimal = Decimal(75),
    ) -> None:
        """Everything ``client``'s pathway needs before a medicine session, recorded by
        the medical provider at ``at`` (signed and active from that day): an active plan,
        a KAP informed consent, a screening with nothing found, a clearance of "cleared"
        resting on it (issue 5) until ``valid_until``, and a dose order."""
        medical = self.staff[Role.MEDICAL_PROVIDER]
        on = timezone.localdate(at)
        screening_all_no(self.client, medical, at)
        make_plan(
            client=self.client,
            format=plan_format,
            status="active",
            updated_by=medical,
            updated_at=at,
        )
        make_consent(
            client=self.client,
            kind="kap_informed_consent",
            version="2024-1",
            signed_on=on,
            recorded_by=medical,
            recorded_at=at,
        )
        make_clearance(
            client=self.client,
            status="cleared",
            valid_until=valid_until,
            recorded_by=medical,
            recorded_at=at,
        )
        make_dose_order(
            client=self.client,
            route=route,
            dose_mg=dose_mg,
            max_dose_mg=max_dose_mg,
            active_from=on,
            ordered_by=medical,
            ordered_at=at,
        )

    def with_superuser(self) -> "World":
        """This world and an administrator who is not on the practice's staff."""
        superuser = make_user(
            email="superuser@example.org",
            full_name="Test Superuser",
            is_superuser=True,
            is_staff=True,
        )
        return dataclasses.replace(self, superuser=superuser)

    def with_portal_client(self) -> "World":
        """This world and ``client`` signed up to the portal (the client role)."""
        user = make_user(email="portal.client@example.com", full_name="Portal Client")
        ClientAccount.objects.create(user=user, client=self.client, created_at=clock.now())
        return dataclasses.replace(self, client_user=user)

    def renamed(self, client: tuple[str, str, str], other_client: tuple[str, str, str]) -> "World":
        """This world with its two clients given these (given name, family name, email)."""
        for person, (given, family, email) in (
            (self.client, client),
            (self.other_client, other_client),
        ):
            Client.objects.filter(pk=person.pk).update(
                legal_given_name=given, legal_family_name=family, email=email
            )
            person.refresh_from_db()
        return self


def next_monday(weeks: int = 1) -> dt.date:
    today = clock.today()
    return today + dt.timedelta(days=7 * weeks - today.weekday())


def build_world(
    practice: Practice, staff: dict[Role, StaffMember], client: Client, other_client: Client
) -> World:
    office = make_location(practice=practice, name="Bryn Mawr", offers_medicine_sessions=True)
    other_office = make_location(
        practice=practice, name="Philadelphia", offers_medicine_sessions=False
    )
    return World(
        practice=practice,
        staff=staff,
        client=client,
        other_client=other_client,
        office=office,
        therapy_room=make_room(location=office, name="Willow", kind=RoomKind.THERAPY),
        medicine_room=make_room(location=office, name="Cedar", kind=RoomKind.MEDICINE),
        other_office=other_office,
        other_room=make_room(location=other_office, name="Elm", kind=RoomKind.THERAPY),
        day=next_monday(2),
    )
