"""The demo practice that ``make run`` loads: complete, synthetic, and idempotent."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from pytest_django.fixtures import Settings

from kapcare.accounts.models import User
from kapcare.audit.models import AuditEvent
from kapcare.audit.verify import verify_chain
from kapcare.core.choices import values
from kapcare.people.demo import (
    CLIENTS,
    DEMO_PASSWORD,
    PRACTICE_NAME,
    STAFF,
    LoadResult,
    load_demo_practice,
    sign_ins,
)
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
from kapcare.people.stage_query import STAGE_ANNOTATION, with_stage
from kapcare.people.vocabulary import PathwayStage, RoomKind

pytestmark = pytest.mark.django_db

MODELS = (
    Practice,
    Location,
    Room,
    User,
    StaffMember,
    StaffRole,
    StaffLicense,
    Client,
    CareTeamMember,
    AuditEvent,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


# 13 clients: 1 therapist each; 11 past consultation add the medical
# provider; 6 at medicine, integration or ongoing add a monitor.
EXPECTED_COUNTS = {
    "Practice": 1,
    "Location": 2,
    "Room": 6,
    "User": 7,
    "StaffMember": 7,
    "StaffRole": 7,
    "StaffLicense": 2 * 2 + 2 + 1 + 1,  # therapists and MD in PA+NJ, monitors in PA
    "Client": 13,
    "CareTeamMember": 13 + 11 + 6,
    "AuditEvent": 13,
}


def test_first_load_creates_the_whole_practice() -> None:
    # When
    result = load_demo_practice()

    # Then
    assert result == LoadResult(
        created_locations=2,
        created_rooms=6,
        created_staff=7,
        created_clients=13,
        created_care_team_members=30,
    )
    assert _counts() == EXPECTED_COUNTS
    assert verify_chain() is None


def test_second_load_creates_nothing() -> None:
    # Given
    load_demo_practice()
    first = _counts()

    # When
    result = load_demo_practice()

    # Then
    assert result == LoadResult(
        created_locations=0,
        created_rooms=0,
        created_staff=0,
        created_clients=0,
        created_care_team_members=0,
    )
    assert _counts() == first == EXPECTED_COUNTS


def test_command_twice_reports_nothing_added_the_second_time() -> None:
    # Given
    call_command("load_demo", stdout=StringIO())
    # The other apps' demo data (scheduling, ...) writes audit events of its own.
    loaded = _counts()
    out = StringIO()

    # When
    call_command("load_demo", stdout=out)

    # Then
    assert out.getvalue() == "Demo practice ready (0 staff and 0 clients added this time).\n"
    assert _counts() == loaded
    # The command also opens the demo client's portal sign-in (portal.demo): one more user.
    assert {k: v for k, v in loaded.items() if k != "AuditEvent"} == {
        **{k: v for k, v in EXPECTED_COUNTS.items() if k != "AuditEvent"},
        "User": 7 + 1,
    }


def test_command_prints_sign_ins_only_when_asked() -> None:
    # When
    out = StringIO()
    call_command("load_demo", "--sign-ins", stdout=out)

    # Then
    lines = out.getvalue().splitlines()
    assert lines[0] == "Demo practice ready (7 staff and 13 clients added this time)."
    assert lines[2] == "Demo sign-ins (synthetic accounts, local use only):"
    assert lines[3].split() == ["email", "password", "role"]
    assert [line.split()[:2] for line in lines[4:11]] == [
        [spec.email, DEMO_PASSWORD] for spec in STAFF
    ]
    assert lines[11].split() == ["farah.lindell@example.com", DEMO_PASSWORD, "client", "(the",
                                 "portal)"]  # fmt: skip
    assert lines[12:] == [""]


def test_command_refused_in_production(settings: Settings) -> None:
    # Given
    settings.PRODUCTION = True

    # When / then
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo", stdout=StringIO())
    assert _counts() == dict.fromkeys(EXPECTED_COUNTS, 0)


def test_every_role_is_held_by_someone() -> None:
    load_demo_practice()

    held = set(StaffRole.objects.values_list("role", flat=True))

    assert held == {role.value for role in Role}
    assert StaffRole.objects.filter(role=Role.MONITOR).count() == 2
    assert StaffRole.objects.filter(role=Role.MEDICAL_PROVIDER).count() == 1


def test_offices_in_bryn_mawr_and_philadelphia_each_with_one_medicine_room() -> None:
    load_demo_practice()

    offices = Location.objects.annotate(
        therapy=Count("rooms", filter=Q(rooms__kind=RoomKind.THERAPY)),
        medicine=Count("rooms", filter=Q(rooms__kind=RoomKind.MEDICINE)),
    ).order_by("city")

    assert [
        (o.city, o.state, o.time_zone, o.offers_medicine_sessions, o.therapy, o.medicine)
        for o in offices
    ] == [
        ("Bryn Mawr", "PA", "America/New_York", True, 2, 1),
        ("Philadelphia", "PA", "America/New_York", True, 2, 1),
    ]
    assert {o.practice.name for o in offices} == {PRACTICE_NAME}


def test_therapists_are_licensed_in_pa_and_nj() -> None:
    load_demo_practice()

    therapists = StaffMember.objects.filter(roles__role=Role.THERAPIST)

    assert therapists.count() == 2
    for therapist in therapists:
        assert set(therapist.licenses.values_list("state", flat=True)) == {"PA", "NJ"}


def test_at_least_twelve_clients_over_every_pathway_stage_derived_from_their_records() -> None:
    # Given the whole demo (people, plans, sessions, measures, screenings, a session record)
    call_command("load_demo", stdout=StringIO())

    # Then each client's stage, derived from the records alone, is the one the demo meant
    derived = dict(
        with_stage(Client.objects.all()).values_list("legal_given_name", STAGE_ANNOTATION)
    )
    assert derived == {person.given: person.stage.value for person in CLIENTS}
    per_stage = Counter(derived.values())
    assert Client.objects.count() == len(CLIENTS) == 13
    assert set(per_stage) == set(values(PathwayStage))
    assert min(per_stage.values()) == 1


def test_load_demo_never_fails_because_a_confirmed_duplicate_exists() -> None:
    # Given the demo, and a second "Jonah Ashgrove" with the same birth date (a practice
    # may confirm such a duplicate), with nobody on his care team
    call_command("load_demo", stdout=StringIO())
    jonah = Client.objects.get(legal_given_name="Jonah")
    Client.objects.create(
        practice=jonah.practice,
        legal_given_name=jonah.legal_given_name,
        legal_family_name=jonah.legal_family_name,
        date_of_birth=jonah.date_of_birth,
        home_state="PA",
    )

    # When the demo is loaded again, Then it succeeds and adds nothing
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue() == "Demo practice ready (0 staff and 0 clients added this time).\n"
    assert Client.objects.filter(legal_given_name="Jonah").count() == 2


def test_every_client_has_a_therapist_on_the_care_team() -> None:
    load_demo_practice()

    without_therapist = Client.objects.exclude(care_team__role=Role.THERAPIST)

    assert list(without_therapist) == []


def test_demo_staff_sign_in_with_the_printed_password() -> None:
    load_demo_practice()

    for email, password, _roles in sign_ins():
        user = User.objects.get(email=email)
        assert user.check_password(password), email


def test_sign_ins_list_every_demo_account_with_its_roles() -> None:
    assert sign_ins() == [
        ("therapist@example.org", DEMO_PASSWORD, "therapist"),
        ("therapist2@example.org", DEMO_PASSWORD, "therapist"),
        ("medical@example.org", DEMO_PASSWORD, "medical_provider"),
        ("monitor@example.org", DEMO_PASSWORD, "monitor"),
        ("monitor2@example.org", DEMO_PASSWORD, "monitor"),
        ("frontdesk@example.org", DEMO_PASSWORD, "front_desk"),
        ("privacy@example.org", DEMO_PASSWORD, "privacy_officer"),
    ]
