"""People: the practice, its places, staff (with roles and licenses), clients, care teams."""

import datetime as dt
from collections.abc import Sequence

import factory

from kapcare.accounts.models import User
from kapcare.core import clock
from kapcare.people.models import (
    CareTeamChange,
    CareTeamMember,
    Client,
    EmergencyAccess,
    Location,
    Practice,
    Room,
    StaffLicense,
    StaffMember,
    StaffRole,
)
from kapcare.people.policy import Role
from kapcare.people.vocabulary import PathwayStage, RoomKind

TEST_PASSWORD = "test-password-kapcare-1"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice
        django_get_or_create = ("name",)

    name = "Test Practice"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Office {n}")
    address_line1 = "1 Test Street"
    city = "Bryn Mawr"
    state = "PA"
    postal_code = "19010"
    time_zone = "America/New_York"
    offers_medicine_sessions = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    kind = RoomKind.THERAPY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)

    @factory.post_generation
    def roles(
        obj: StaffMember, create: bool, extracted: Sequence[Role] | None, **kw: object
    ) -> None:
        for role in extracted or ():
            StaffRole.objects.create(staff=obj, role=role)

    @factory.post_generation
    def states(
        obj: StaffMember, create: bool, extracted: Sequence[str] | None, **kw: object
    ) -> None:
        for state in extracted or ():
            StaffLicense.objects.create(staff=obj, state=state)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    legal_given_name = factory.Sequence(lambda n: f"Given{n}")
    legal_family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = dt.date(1990, 1, 1)
    home_state = "PA"
    email = factory.Sequence(lambda n: f"client{n}@example.com")

    @factory.post_generation
    def stage(obj: Client, create: bool, extracted: str | None, **kwargs: object) -> None:
        """``stage="preparation"`` writes the records of that stage (tests/stages.py)."""
        if create and extracted:
            from tests.stages import give_stage  # tests.stages builds on these factories

            give_stage(obj, PathwayStage(extracted))


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    staff = factory.SubFactory(StaffFactory)
    role = Role.THERAPIST


class StaffLicenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffLicense

    staff = factory.SubFactory(StaffFactory)
    state = "PA"


class CareTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    client = factory.SubFactory(ClientFactory)
    staff = factory.SubFactory(StaffFactory)
    role = Role.THERAPIST


class CareTeamChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamChange

    client = factory.SubFactory(ClientFactory)
    staff = factory.SubFactory(StaffFactory)
    role = Role.THERAPIST
    change = "added"
    reason = "Joins as the client's therapist."
    changed_by = factory.SubFactory(StaffFactory)
    changed_at = factory.LazyFunction(lambda: dt.datetime(2026, 6, 1, 14, tzinfo=dt.UTC))


class EmergencyAccessFactory(factory.django.DjangoModelFactory):
    """An open emergency access: a staff member of the client's practice, for 4 hours."""

    class Meta:
        model = EmergencyAccess

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    staff = factory.SubFactory(StaffFactory, practice=factory.SelfAttribute("..client.practice"))
    reason = "Client called in crisis; their therapist is away."
    starts_at = factory.LazyFunction(clock.now)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=4))
