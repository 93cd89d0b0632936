"""Open safety flags wait on the home page of the people who may see them."""

from collections.abc import Callable

from django.test import Client as HttpClient
from pytest_django import DjangoAssertNumQueries

from kapcare.audit.models import AuditEvent
from kapcare.measures.models import RiskFlag
from kapcare.measures.tests.records import open_flag_of
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from tests.factories import make_care_team_member, make_client

SignedIn = Callable[[Role], HttpClient]
PANEL = "Safety flags waiting for review"


def test_the_care_team_sees_an_open_flag_on_the_home_page(
    signed_in: SignedIn, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    open_flag_of(team_client, staff[Role.THERAPIST])

    for role in (Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR):
        html = signed_in(role).get("/").content.decode()
        assert PANEL in html
        assert f'href="/clients/{team_client.pk}/#safety"' in html
        assert "PHQ-9 item 9 answered above zero" in html
    assert AuditEvent.objects.filter(
        client_id=team_client.pk, category="safety", detail="home:open-flags"
    ).exists()


def test_no_panel_without_open_flags_or_for_people_off_the_team(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    team_client: Client,
    other_client: Client,
) -> None:
    open_flag_of(other_client, staff[Role.THERAPIST])
    reviewed = open_flag_of(team_client, staff[Role.THERAPIST])
    RiskFlag.objects.filter(pk=reviewed).update(
        reviewed_at=RiskFlag.objects.get(pk=reviewed).raised_at,
        reviewed_by=staff[Role.THERAPIST],
        review_note="Spoke with the client; safety plan reviewed.",
    )

    for role in Role:  # front desk and the privacy officer see no safety data at all
        html = signed_in(role).get("/").content.decode()
        assert PANEL not in html, role
        if role in CARE_TEAM_ROLES:
            assert other_client.display_name not in html


def test_home_queries_do_not_grow_with_open_flags(
    signed_in: SignedIn,
    staff: dict[Role, StaffMember],
    practice: object,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    therapist = staff[Role.THERAPIST]
    http = signed_in(Role.THERAPIST)

    def with_flags(n: int) -> None:
        for _ in range(n):
            client = make_client(practice=practice)
            make_care_team_member(client=client, staff=therapist, role=Role.THERAPIST)
            open_flag_of(client, therapist)

    with_flags(1)
    http.get("/")
    with django_assert_max_num_queries(40) as few:
        http.get("/")
    with_flags(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = http.get("/").content.decode()
    assert "And 11 more" in html
