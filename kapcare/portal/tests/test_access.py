"""The client role: a portal account opens its own record and nothing else."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.services import AuditSource
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.people.access import Actor, NotFound, access_client, access_record, actor_for_user
from kapcare.people.models import Client, ClientAccount, StaffMember
from kapcare.people.policy import Category, Role, client_allowed_categories
from kapcare.portal.services.accounts import open_client_account
from kapcare.portal.tests.fixtures import book_video_therapy, portal_user_of
from kapcare.scheduling.models import Appointment
from tests.factories import make_user

NOBODY = AuditSource(user=None, source_ip=None)


def test_the_client_role_sees_some_of_its_own_record_and_nothing_of_anyone_elses() -> None:
    own = client_allowed_categories(own_record=True)
    assert own == {Category.DEMOGRAPHICS, Category.SCHEDULE, Category.CLINICAL}
    assert client_allowed_categories(own_record=False) == frozenset()
    for never in (
        Category.PSYCHOTHERAPY_NOTES,
        Category.AUDIT,
        Category.MEDICAL,
        Category.MEDICINE_SESSION,
        Category.SAFETY,
    ):
        assert never not in own


def test_a_portal_actor_is_a_client_of_one_record(portal_actor: Actor, team_client: Client) -> None:
    assert portal_actor.is_client
    assert portal_actor.client_id == team_client.pk
    assert portal_actor.staff is None
    assert portal_actor.roles == frozenset()


def test_a_client_reaches_their_own_record_audited(
    portal_actor: Actor, team_client: Client, portal_user: User
) -> None:
    found = access_client(portal_actor, team_client.pk, Category.SCHEDULE, detail="t")
    assert found == team_client
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.outcome, last.client_id, last.actor_id) == (
        AuditAction.READ,
        AuditOutcome.SUCCESS,
        team_client.pk,
        portal_user.pk,
    )


@pytest.mark.parametrize(
    "category", [Category.PSYCHOTHERAPY_NOTES, Category.AUDIT, Category.MEDICAL]
)
def test_a_client_never_reaches_what_the_role_does_not_grant(
    portal_actor: Actor, team_client: Client, category: Category
) -> None:
    with pytest.raises(NotFound):
        access_client(portal_actor, team_client.pk, category, detail="t")


def test_another_clients_record_by_id_is_an_audited_404(
    portal_actor: Actor, other_client: Client, portal_user: User
) -> None:
    with pytest.raises(NotFound):
        access_client(portal_actor, other_client.pk, Category.DEMOGRAPHICS, detail="t")
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.outcome, last.actor_id) == (
        AuditAction.DENIED,
        AuditOutcome.DENIED,
        portal_user.pk,
    )


def test_another_clients_appointment_by_id_is_a_404(
    portal_actor: Actor, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    appointment = book_video_therapy(other_client, staff, days=3)
    with pytest.raises(NotFound):
        access_record(
            portal_actor, Appointment.objects.all(), appointment.pk, Category.SCHEDULE, detail="t"
        )


def test_a_staff_member_is_never_a_client(
    team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = staff[Role.THERAPIST].user
    with pytest.raises(FieldError) as refused:
        open_client_account(client=team_client, user=therapist, now=clock.now(), source=NOBODY)
    assert refused.value.field == "email"
    assert not ClientAccount.objects.exists()


def test_one_portal_account_per_client(team_client: Client, portal_user: User) -> None:
    second = make_user(email="second@example.com")
    with pytest.raises(FieldError):
        open_client_account(client=team_client, user=second, now=clock.now(), source=NOBODY)
    assert ClientAccount.objects.get(client=team_client).user == portal_user


def test_an_ended_account_is_no_client(portal_user: User) -> None:
    ClientAccount.objects.filter(user=portal_user).update(
        ended_at=clock.now() + dt.timedelta(seconds=1)
    )
    actor = actor_for_user(portal_user)
    assert not actor.is_client
    assert actor.client_id is None


def test_the_portal_home_shows_the_clients_own_sessions_and_team(
    portal: HttpClient,
    team_client: Client,
    other_client: Client,
    staff: dict[Role, StaffMember],
    django_assert_max_num_queries: object,
) -> None:
    # Given a session booked for the client, and one for another client
    book_video_therapy(team_client, staff, days=3)
    book_video_therapy(other_client, staff, days=4, hour=14)

    # When
    with django_assert_max_num_queries(15):  # type: ignore[operator]  # with tasks and intake
        response = portal.get("/portal/")

    # Then
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Hello, {team_client.legal_given_name}" in body
    assert body.count("Therapy") == 1
    assert staff[Role.THERAPIST].user.full_name in body
    assert other_client.legal_family_name not in body


def test_staff_signing_in_never_see_the_portal(
    signed_in: Callable[[Role], HttpClient],
) -> None:
    http = signed_in(Role.THERAPIST)
    assert http.get("/portal/").status_code == 404


def test_a_second_client_cannot_open_the_first_ones_portal(
    client: HttpClient, team_client: Client, other_client: Client, portal_user: User
) -> None:
    other_user = portal_user_of(other_client, email="other.portal@example.com")
    client.force_login(other_user)
    body = client.get("/portal/").content.decode()
    assert f"Hello, {other_client.legal_given_name}" in body
    assert team_client.legal_given_name not in body
