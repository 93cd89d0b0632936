"""``people.services``: creating and changing clients, by role, validated, audited atomically."""

import datetime as dt
from collections.abc import Callable

import pytest

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.verify import verify_chain
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.people.access import Actor, NotFound, actor_for_user
from kapcare.people.models import CareTeamMember, Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.services import create_client, update_client
from tests.factories import make_practice, make_staff, make_user

pytestmark = pytest.mark.django_db

ActorFor = Callable[[Role], Actor]
TODAY = dt.date(2026, 6, 15)


def _fields(**changes: object) -> dict[str, object]:
    return {
        "legal_given_name": "Wren",
        "legal_family_name": "Newcomer",
        "date_of_birth": dt.date(1988, 4, 2),
        "home_state": "PA",
        "email": "wren.newcomer@example.com",
        **changes,
    }


def _team(client: Client) -> set[tuple[int, str]]:
    return set(CareTeamMember.objects.filter(client=client).values_list("staff_id", "role"))


def _nothing_created(clients_before: int) -> None:
    assert Client.objects.count() == clients_before
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


# ---------------------------------------------------------------- create: who


@pytest.mark.parametrize(
    ("role", "joins_as"),
    [
        (Role.THERAPIST, Role.THERAPIST),
        (Role.MEDICAL_PROVIDER, Role.MEDICAL_PROVIDER),
        (Role.FRONT_DESK, None),
    ],
)
def test_who_may_create_a_client_and_who_joins_its_team(
    actor: ActorFor, staff: dict[Role, StaffMember], role: Role, joins_as: Role | None
) -> None:
    # Given
    who = actor(role)

    # When
    client = create_client(actor=who, fields=_fields(), today=TODAY)

    # Then
    stored = Client.objects.get(pk=client.pk)
    assert (stored.legal_name, stored.practice_id) == ("Wren Newcomer", staff[role].practice_id)
    assert _team(client) == ({(staff[role].pk, joins_as.value)} if joins_as else set())
    event = AuditEvent.objects.get()
    assert (
        event.action,
        event.outcome,
        event.client_id,
        event.category,
        event.actor_id,
        event.source_ip,
    ) == ("create", "success", client.pk, "demographics", who.user.pk, "127.0.0.1")
    assert "Wren" not in event.detail
    assert "Newcomer" not in event.detail


@pytest.mark.parametrize("role", [Role.MONITOR, Role.PRIVACY_OFFICER])
def test_monitors_and_privacy_officers_may_not_create_clients(actor: ActorFor, role: Role) -> None:
    who = actor(role)
    before = Client.objects.count()

    with pytest.raises(PermissionDenied):
        create_client(actor=who, fields=_fields(), today=TODAY)

    _nothing_created(before)
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor_id, event.client_id) == (
        "denied",
        "denied",
        who.user.pk,
        None,
    )


def test_a_user_without_a_staff_record_may_not_create_clients(practice: Practice) -> None:
    with pytest.raises(PermissionDenied):
        create_client(actor=actor_for_user(make_user()), fields=_fields(), today=TODAY)
    assert Client.objects.count() == 0


def test_a_front_desk_therapist_joins_as_therapist(practice: Practice) -> None:
    member = make_staff(practice=practice, roles=[Role.FRONT_DESK, Role.THERAPIST])
    client = create_client(actor=actor_for_user(member.user), fields=_fields(), today=TODAY)
    assert _team(client) == {(member.pk, "therapist")}


def test_the_care_team_is_created_with_each_members_role(
    actor: ActorFor, staff: dict[Role, StaffMember]
) -> None:
    # Given front desk naming a therapist and a monitor (twice)
    team = [staff[Role.THERAPIST].pk, staff[Role.MONITOR].pk, staff[Role.MONITOR].pk]

    client = create_client(
        actor=actor(Role.FRONT_DESK), fields=_fields(), care_team=team, today=TODAY
    )

    assert _team(client) == {
        (staff[Role.THERAPIST].pk, "therapist"),
        (staff[Role.MONITOR].pk, "monitor"),
    }


def test_a_creator_already_named_on_the_team_is_not_added_twice(
    actor: ActorFor, staff: dict[Role, StaffMember]
) -> None:
    team = [staff[Role.THERAPIST].pk, staff[Role.MEDICAL_PROVIDER].pk]
    client = create_client(
        actor=actor(Role.THERAPIST), fields=_fields(), care_team=team, today=TODAY
    )
    assert _team(client) == {
        (staff[Role.THERAPIST].pk, "therapist"),
        (staff[Role.MEDICAL_PROVIDER].pk, "medical_provider"),
    }


def test_the_creator_can_then_open_the_chart(actor: ActorFor) -> None:
    from kapcare.people.access import access_client
    from kapcare.people.policy import Category

    therapist = actor(Role.THERAPIST)
    client = create_client(actor=therapist, fields=_fields(), today=TODAY)
    assert access_client(therapist, client.pk, Category.SAFETY) == client


# ---------------------------------------------------------------- create: validation


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date_of_birth": TODAY + dt.timedelta(days=1)}, "date_of_birth", "future"),
        ({"date_of_birth": dt.date(1890, 1, 1)}, "date_of_birth", "130 years"),
        ({"home_state": "ZZ"}, "home_state", "not a valid choice"),
        ({"legal_family_name": ""}, "legal_family_name", "blank"),
        ({"email": "not an email"}, "email", "valid email"),
        ({"status": "gone"}, "status", "not a valid choice"),
        ({"practice_id": 99}, "practice_id", "cannot be set"),
        ({"id": 5}, "id", "cannot be set"),
    ],
)
def test_invalid_input_is_a_field_error_and_saves_nothing(
    actor: ActorFor, fields: dict[str, object], field: str, message: str
) -> None:
    before = Client.objects.count()
    with pytest.raises(FieldError) as error:
        create_client(actor=actor(Role.FRONT_DESK), fields=_fields(**fields), today=TODAY)
    assert error.value.field == field
    assert message in error.value.message
    _nothing_created(before)


def test_a_birth_date_of_today_is_accepted(actor: ActorFor) -> None:
    client = create_client(
        actor=actor(Role.FRONT_DESK), fields=_fields(date_of_birth=TODAY), today=TODAY
    )
    assert client.date_of_birth == TODAY


def test_a_missing_birth_date_is_a_field_error(actor: ActorFor) -> None:
    fields = _fields()
    del fields["date_of_birth"]
    with pytest.raises(FieldError) as error:
        create_client(actor=actor(Role.FRONT_DESK), fields=fields, today=TODAY)
    assert error.value.field == "date_of_birth"


def test_unknown_care_team_ids_are_refused(actor: ActorFor, staff: dict[Role, StaffMember]) -> None:
    before = Client.objects.count()
    unknown = max(s.pk for s in staff.values()) + 100
    with pytest.raises(FieldError) as error:
        create_client(
            actor=actor(Role.FRONT_DESK),
            fields=_fields(),
            care_team=[staff[Role.THERAPIST].pk, unknown],
            today=TODAY,
        )
    assert (error.value.field, error.value.message) == (
        "care_team",
        f"No active staff member with id {unknown}.",
    )
    _nothing_created(before)


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_a_non_clinician_cannot_be_on_a_care_team(
    actor: ActorFor, staff: dict[Role, StaffMember], role: Role
) -> None:
    before = Client.objects.count()
    with pytest.raises(FieldError) as error:
        create_client(
            actor=actor(Role.THERAPIST),
            fields=_fields(),
            care_team=[staff[role].pk],
            today=TODAY,
        )
    assert error.value.field == "care_team"
    assert "not a therapist, medical provider or monitor" in error.value.message
    _nothing_created(before)
    assert CareTeamMember.objects.count() == 0


def test_inactive_staff_and_staff_of_another_practice_cannot_join(
    actor: ActorFor, staff: dict[Role, StaffMember]
) -> None:
    StaffMember.objects.filter(pk=staff[Role.MONITOR].pk).update(is_active=False)
    stranger = make_staff(practice=make_practice(name="Elsewhere"), roles=[Role.THERAPIST])
    for member_id in (staff[Role.MONITOR].pk, stranger.pk):
        with pytest.raises(FieldError) as error:
            create_client(
                actor=actor(Role.FRONT_DESK), fields=_fields(), care_team=[member_id], today=TODAY
            )
        assert error.value.field == "care_team"
    assert Client.objects.count() == 0


# ---------------------------------------------------------------- create: atomic with audit


def test_if_the_audit_row_fails_the_client_is_not_saved(
    actor: ActorFor, staff: dict[Role, StaffMember], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(**kwargs: object) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("kapcare.people.services.record_event", broken_audit)

    with pytest.raises(RuntimeError):
        create_client(
            actor=actor(Role.THERAPIST),
            fields=_fields(),
            care_team=[staff[Role.MONITOR].pk],
            today=TODAY,
        )

    assert Client.objects.count() == 0
    assert CareTeamMember.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_if_the_save_fails_no_audit_row_is_written(
    actor: ActorFor, staff: dict[Role, StaffMember], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_team(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(CareTeamMember.objects, "bulk_create", broken_team)

    with pytest.raises(RuntimeError):
        create_client(actor=actor(Role.THERAPIST), fields=_fields(), today=TODAY)

    assert Client.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert verify_chain() is None


# ---------------------------------------------------------------- update


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.FRONT_DESK])
def test_who_may_update_a_client(actor: ActorFor, team_client: Client, role: Role) -> None:
    who = actor(role)

    client = update_client(
        actor=who,
        client_id=team_client.pk,
        changes={"preferred_name": "Robin", "pronouns": "they/them"},
        today=TODAY,
    )

    stored = Client.objects.get(pk=team_client.pk)
    assert (stored.preferred_name, stored.pronouns) == ("Robin", "they/them")
    assert client.preferred_name == "Robin"
    assert stored.legal_family_name == team_client.legal_family_name
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.client_id, event.actor_id, event.detail) == (
        "update",
        "success",
        team_client.pk,
        who.user.pk,
        "client:preferred_name,pronouns",
    )


@pytest.mark.parametrize("role", [Role.MONITOR, Role.PRIVACY_OFFICER])
def test_monitors_and_privacy_officers_may_not_update(
    actor: ActorFor, team_client: Client, role: Role
) -> None:
    who = actor(role)
    before = Client.objects.values().get(pk=team_client.pk)

    with pytest.raises(PermissionDenied):
        update_client(
            actor=who, client_id=team_client.pk, changes={"preferred_name": "X"}, today=TODAY
        )

    assert Client.objects.values().get(pk=team_client.pk) == before
    assert [(e.action, e.outcome, e.client_id, e.actor_id) for e in AuditEvent.objects.all()] == [
        ("denied", "denied", team_client.pk, who.user.pk)
    ]


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR])
def test_a_clinician_off_the_team_gets_not_found(
    actor: ActorFor, other_client: Client, role: Role
) -> None:
    who = actor(role)
    before = Client.objects.values().get(pk=other_client.pk)

    with pytest.raises(NotFound):
        update_client(
            actor=who, client_id=other_client.pk, changes={"preferred_name": "X"}, today=TODAY
        )

    assert Client.objects.values().get(pk=other_client.pk) == before
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.client_id) == ("denied", "denied", other_client.pk)


def test_a_missing_client_gets_not_found(actor: ActorFor, team_client: Client) -> None:
    with pytest.raises(NotFound):
        update_client(
            actor=actor(Role.FRONT_DESK),
            client_id=team_client.pk + 1000,
            changes={"preferred_name": "X"},
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date_of_birth": TODAY + dt.timedelta(days=1)}, "date_of_birth"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"home_state": "XX"}, "home_state"),
        ({"legal_given_name": ""}, "legal_given_name"),
        ({"stage": "done"}, "stage"),
        ({"practice_id": 2}, "practice_id"),
    ],
)
def test_invalid_changes_are_field_errors_and_change_nothing(
    actor: ActorFor, team_client: Client, changes: dict[str, object], field: str
) -> None:
    before = Client.objects.values().get(pk=team_client.pk)
    with pytest.raises(FieldError) as error:
        update_client(
            actor=actor(Role.FRONT_DESK), client_id=team_client.pk, changes=changes, today=TODAY
        )
    assert error.value.field == field
    assert Client.objects.values().get(pk=team_client.pk) == before
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_if_the_audit_row_fails_the_change_is_rolled_back(
    actor: ActorFor, team_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(**kwargs: object) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("kapcare.people.services.record_event", broken_audit)
    before = Client.objects.values().get(pk=team_client.pk)

    with pytest.raises(RuntimeError):
        update_client(
            actor=actor(Role.FRONT_DESK),
            client_id=team_client.pk,
            changes={"preferred_name": "Robin"},
        )

    assert Client.objects.values().get(pk=team_client.pk) == before


def test_if_the_save_fails_no_update_is_audited(
    actor: ActorFor, team_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_save(self: Client, *args: object, **kwargs: object) -> None:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(Client, "save", broken_save)

    with pytest.raises(RuntimeError):
        update_client(
            actor=actor(Role.FRONT_DESK),
            client_id=team_client.pk,
            changes={"preferred_name": "Robin"},
        )

    assert not AuditEvent.objects.filter(outcome=AuditOutcome.SUCCESS).exists()
    assert verify_chain() is None
