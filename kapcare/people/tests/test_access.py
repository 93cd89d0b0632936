"""``people.access``: the one door to client data, checked against the policy and audited."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.services import request_ip
from kapcare.core.ids import MAX_ID
from kapcare.people.access import (
    Actor,
    NotFound,
    access_client,
    actor_for_request,
    actor_for_user,
    allowed_categories,
    deny,
    may_edit_demographics,
    visible_clients,
)
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, Category, Role
from kapcare.people.policy import allowed_categories as policy_categories
from tests.factories import make_care_team_member, make_client, make_practice, make_staff, make_user

pytestmark = pytest.mark.django_db

ActorFor = Callable[[Role], Actor]


def _events() -> list[tuple[object, ...]]:
    return [
        (e.action, e.outcome, e.client_id, e.category, e.actor_id)
        for e in AuditEvent.objects.order_by("seq")
    ]


# ---------------------------------------------------------------- actors


def test_actor_carries_staff_roles_and_a_clean_address(staff: dict[Role, StaffMember]) -> None:
    member = staff[Role.MONITOR]
    actor = actor_for_user(member.user, source_ip="::ffff:10.1.2.3")
    assert actor.staff == member
    assert actor.roles == {Role.MONITOR}
    assert actor.source_ip == "10.1.2.3"
    assert actor.practice_id == member.practice_id


def test_a_person_with_several_roles_has_them_all(practice: Practice) -> None:
    member = make_staff(practice=practice, roles=[Role.MONITOR, Role.FRONT_DESK])
    assert actor_for_user(member.user).roles == {Role.MONITOR, Role.FRONT_DESK}


def test_a_user_without_a_staff_record_has_no_roles_and_no_practice() -> None:
    actor = actor_for_user(make_user(), source_ip="not an ip")
    assert (actor.staff, actor.roles, actor.source_ip) == (None, frozenset(), None)
    with pytest.raises(NotFound):
        _ = actor.practice_id


def test_an_inactive_staff_record_counts_as_none(staff: dict[Role, StaffMember]) -> None:
    member = staff[Role.THERAPIST]
    StaffMember.objects.filter(pk=member.pk).update(is_active=False)
    actor = actor_for_user(member.user)
    assert (actor.staff, actor.roles) == (None, frozenset())


def test_the_address_is_remote_addr_never_a_forwarded_header() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.8", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert request_ip(request) == "192.0.2.8"
    assert request_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None


def test_actor_for_request(staff: dict[Role, StaffMember]) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9")
    request.user = AnonymousUser()
    assert actor_for_request(request) is None
    request.user = staff[Role.FRONT_DESK].user
    first = actor_for_request(request)
    assert first is not None
    assert first.source_ip == "192.0.2.9"
    assert actor_for_request(request) is first  # computed once per request


def test_not_found_is_a_404() -> None:
    assert issubclass(NotFound, Http404)


# ---------------------------------------------------------------- access_client


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("category", list(Category))
def test_access_client_follows_the_policy_and_audits_both_ways(
    actor: ActorFor, team_client: Client, other_client: Client, role: Role, category: Category
) -> None:
    who = actor(role)
    for client in (team_client, other_client):
        # Care-team roles are on team_client's team; nobody from `staff` is on other_client's.
        on_team = client == team_client and role in CARE_TEAM_ROLES
        allowed = category in policy_categories(frozenset({role}), on_care_team=on_team)
        before = AuditEvent.objects.count()

        if allowed:
            assert access_client(who, client.pk, category, detail="test") == client
            outcome = (AuditAction.READ, AuditOutcome.SUCCESS)
        else:
            with pytest.raises(NotFound):
                access_client(who, client.pk, category, detail="test")
            outcome = (AuditAction.DENIED, AuditOutcome.DENIED)

        assert AuditEvent.objects.count() == before + 1
        event = AuditEvent.objects.order_by("-seq").first()
        assert event is not None
        assert (event.action, event.outcome, event.client_id, event.category) == (
            *outcome,
            client.pk,
            category,
        )
        assert (event.actor_id, event.source_ip) == (who.user.pk, "127.0.0.1")


def test_a_missing_client_is_not_found_and_audited(actor: ActorFor, team_client: Client) -> None:
    therapist = actor(Role.THERAPIST)
    missing = team_client.pk + 1000
    with pytest.raises(NotFound):
        access_client(therapist, missing, Category.DEMOGRAPHICS, detail="page:chart")
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.client_id, event.detail) == (
        "denied",
        "denied",
        missing,
        "read:page:chart",
    )


@pytest.mark.parametrize("client_id", [0, -1, MAX_ID + 1, 2**70])
def test_impossible_ids_are_not_found_without_asking_the_database(
    actor: ActorFor, client_id: int
) -> None:
    with pytest.raises(NotFound):
        access_client(actor(Role.FRONT_DESK), client_id, Category.DEMOGRAPHICS)
    event = AuditEvent.objects.get()
    assert (event.action, event.client_id) == ("denied", None)


def test_a_client_of_another_practice_is_not_found(staff: dict[Role, StaffMember]) -> None:
    # Given a therapist of another practice who is even on the client's team
    elsewhere = make_practice(name="Another Practice")
    stranger = make_staff(practice=elsewhere, roles=[Role.THERAPIST, Role.FRONT_DESK])
    client = make_client(practice=staff[Role.THERAPIST].practice)
    make_care_team_member(client=client, staff=stranger, role=Role.THERAPIST)

    with pytest.raises(NotFound):
        access_client(actor_for_user(stranger.user), client.pk, Category.DEMOGRAPHICS)
    assert list(visible_clients(actor_for_user(stranger.user))) == []


def test_a_user_without_staff_record_reaches_nothing(team_client: Client) -> None:
    user = make_user(is_superuser=True)
    nobody = actor_for_user(user)
    with pytest.raises(NotFound):
        access_client(nobody, team_client.pk, Category.DEMOGRAPHICS)
    assert _events() == [("denied", "denied", team_client.pk, "demographics", user.pk)]
    assert list(visible_clients(nobody)) == []


def test_a_granted_change_is_left_to_the_service_to_audit(
    actor: ActorFor, team_client: Client
) -> None:
    client = access_client(
        actor(Role.FRONT_DESK), team_client.pk, Category.DEMOGRAPHICS, action=AuditAction.UPDATE
    )
    assert client == team_client
    assert _events() == []


def test_a_refused_change_is_audited(actor: ActorFor, team_client: Client) -> None:
    front_desk = actor(Role.FRONT_DESK)
    with pytest.raises(NotFound):
        access_client(front_desk, team_client.pk, Category.CLINICAL, action=AuditAction.UPDATE)
    event = AuditEvent.objects.get()
    assert (event.action, event.detail, event.client_id) == ("denied", "update", team_client.pk)


def test_deny_records_and_answers_not_found(actor: ActorFor) -> None:
    monitor = actor(Role.MONITOR)
    error = deny(monitor, category=Category.DEMOGRAPHICS, action=AuditAction.CREATE, detail="x")
    assert isinstance(error, NotFound)
    assert _events() == [("denied", "denied", None, "demographics", monitor.user.pk)]


def test_several_roles_are_a_union(practice: Practice, team_client: Client) -> None:
    # Given a monitor who also works the front desk, on team_client's team only
    member = make_staff(practice=practice, roles=[Role.MONITOR, Role.FRONT_DESK])
    make_care_team_member(client=team_client, staff=member, role=Role.MONITOR)
    other = make_client(practice=practice)
    who = actor_for_user(member.user)

    # Then
    assert allowed_categories(who, team_client.pk) == {
        Category.DEMOGRAPHICS,
        Category.SCHEDULE,
        Category.MEDICINE_SESSION,
        Category.SAFETY,
    }
    assert allowed_categories(who, other.pk) == {Category.DEMOGRAPHICS, Category.SCHEDULE}
    assert access_client(who, team_client.pk, Category.SAFETY) == team_client
    with pytest.raises(NotFound):
        access_client(who, other.pk, Category.SAFETY)
    assert set(visible_clients(who, Category.SAFETY)) == {team_client}
    assert set(visible_clients(who)) == {team_client, other}


# ---------------------------------------------------------------- lists


@pytest.mark.parametrize(
    ("role", "sees_other"),
    [
        (Role.THERAPIST, False),
        (Role.MEDICAL_PROVIDER, False),
        (Role.MONITOR, False),
        (Role.FRONT_DESK, True),
        (Role.PRIVACY_OFFICER, True),
    ],
)
def test_visible_clients_by_role(
    actor: ActorFor, team_client: Client, other_client: Client, role: Role, sees_other: bool
) -> None:
    elsewhere = make_client(practice=make_practice(name="Another Practice"))
    visible = set(visible_clients(actor(role)))
    assert visible == ({team_client, other_client} if sees_other else {team_client})
    assert elsewhere not in visible


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("category", list(Category))
def test_visible_clients_agrees_with_access_client(
    actor: ActorFor, team_client: Client, other_client: Client, role: Role, category: Category
) -> None:
    who = actor(role)
    visible = set(visible_clients(who, category))
    for client in (team_client, other_client):
        assert (client in visible) is (category in allowed_categories(who, client.pk)), client


def test_visible_clients_is_one_query(actor: ActorFor, team_client: Client) -> None:
    therapist = actor(Role.THERAPIST)
    with CaptureQueriesContext(connection) as queries:
        list(visible_clients(therapist))
    assert len(queries) == 1


def test_the_care_team_is_looked_up_once_per_client(actor: ActorFor, team_client: Client) -> None:
    therapist = actor(Role.THERAPIST)
    allowed_categories(therapist, team_client.pk)
    with CaptureQueriesContext(connection) as queries:
        allowed_categories(therapist, team_client.pk)
        may_edit_demographics(therapist, team_client.pk)
    assert len(queries) == 0


@pytest.mark.parametrize(
    ("role", "on_team_client", "on_other_client"),
    [
        (Role.THERAPIST, True, False),
        (Role.MEDICAL_PROVIDER, True, False),
        (Role.MONITOR, False, False),
        (Role.FRONT_DESK, True, True),
        (Role.PRIVACY_OFFICER, False, False),
    ],
)
def test_may_edit_demographics(
    actor: ActorFor,
    team_client: Client,
    other_client: Client,
    role: Role,
    on_team_client: bool,
    on_other_client: bool,
) -> None:
    who = actor(role)
    assert may_edit_demographics(who, team_client.pk) is on_team_client
    assert may_edit_demographics(who, other_client.pk) is on_other_client
