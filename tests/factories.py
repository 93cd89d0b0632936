"""Typed factories for synthetic test data (never real people)."""

import datetime as dt
from collections.abc import Sequence

import factory
from django.db.models import Max

from kapcare.accounts.models import User
from kapcare.pathway.models import Clearance
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
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind

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

    practice = factory.SubFactory(PracticeFactory)
    legal_given_name = factory.Sequence(lambda n: f"Given{n}")
    legal_family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = dt.date(1990, 1, 1)
    home_state = "PA"
    email = factory.Sequence(lambda n: f"client{n}@example.com")


class CareTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    client = factory.SubFactory(ClientFactory)
    staff = factory.SubFactory(StaffFactory)
    role = Role.THERAPIST


def _next_clearance_version(clearance: Clearance) -> int:
    top = Clearance.objects.filter(client=clearance.client).aggregate(top=Max("version"))["top"]
    return (top or 0) + 1


class ClearanceFactory(factory.django.DjangoModelFactory):
    """A clearance as a medical provider records it (the next version of the client's)."""

    class Meta:
        model = Clearance

    client = factory.SubFactory(ClientFactory)
    version = factory.LazyAttribute(_next_clearance_version)
    status = "cleared"
    valid_until = dt.date(2099, 1, 1)
    recorded_by = factory.SubFactory(StaffFactory)
    recorded_at = factory.LazyFunction(lambda: dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


# Typed entry points (factory_boy's own calls are untyped).
def make_practice(**kw: object) -> Practice:
    return PracticeFactory.create(**kw)


def make_location(**kw: object) -> Location:
    return LocationFactory.create(**kw)


def make_room(**kw: object) -> Room:
    return RoomFactory.create(**kw)


def make_user(**kw: object) -> User:
    return UserFactory.create(**kw)


def make_staff(**kw: object) -> StaffMember:
    return StaffFactory.create(**kw)


def make_client(**kw: object) -> Client:
    return ClientFactory.create(**kw)


def make_care_team_member(**kw: object) -> CareTeamMember:
    return CareTeamFactory.create(**kw)


def make_clearance(**kw: object) -> Clearance:
    return ClearanceFactory.create(**kw)
