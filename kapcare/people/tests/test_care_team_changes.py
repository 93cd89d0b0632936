"""Changing a care team after the client was added: who may, what is refused and why,
the history it leaves, the audit trail, and access following the change at once."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.people.access import Actor, NotFound
from kapcare.people.models import CareTeamChange, CareTeamMember, Client, StaffMember
from kapcare.people.policy import Role
from kapcare.people.services import add_care_team_member, remove_care_team_member
from tests.factories import make_practice, make_staff

pytestmark = pytest.mark.django_db

ActorFor = Callable[[Role], Actor]
REASON = "Takes over while Dr. Hale is on leave."


@pytest.fixture
def newcomer(staff: dict[Role, StaffMember]) -> StaffMember:
    """A second therapist of the practice, on nobody's care team."""
    return make_staff(
        practice=staff[Role.THERAPIST].practice,
        roles=[Role.THERAPIST],
        user__email="second.therapist@example.org",
        user__full_name="Rowan Second",
    )


def _team(client: Client) -> set[tuple[int, str]]:
    return set(CareTeamMember.objects.filter(client=client).values_list("staff_id", "role"))


def _as(staff: StaffMember) -> HttpClient:
    http = HttpClient()
    http.force_login(staff.user)
    return http


def _post(http: HttpClient, url: str, body: dict[str, object]) -> Any:
    return http.post(url, data=json.dumps(body), content_type="application/json")


# ---------------------------------------------------------------- the service: who may


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST, Role.MEDICAL_PROVIDER])
def test_front_desk_and_the_clinicians_on_the_team_add_someone_with_a_reason(
    actor: ActorFor, team_client: Client, newcomer: StaffMember, role: Role
) -> None:
    # Given
    who = actor(role)
    before = _team(team_client)

    # When
    change = add_care_team_member(
        actor=who,
        client_id=team_client.pk,
        staff_id=newcomer.pk,
        role=Role.THERAPIST,
        reason=f"  {REASON}  ",
    )

    # Then
    assert _team(team_client) == before | {(newcomer.pk, "therapist")}
    stored = CareTeamChange.objects.get()
    assert (stored.pk, stored.change, stored.staff_id, stored.role, stored.reason) == (
        change.pk,
        "added",
        newcomer.pk,
        "therapist",
        REASON,
    )
    assert stored.changed_by == who.staff
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert (event.client_id, event.category, event.actor_id, event.outcome) == (
        team_client.pk,
        "demographics",
        who.user.pk,
        "success",
    )
    assert event.detail == (f"Added to the care team: Rowan Second as therapist. Why: {REASON}")


@pytest.mark.parametrize("role", [Role.MONITOR, Role.PRIVACY_OFFICER])
def test_a_monitor_and_the_privacy_officer_are_refused_and_the_refusal_is_audited(
    actor: ActorFor, team_client: Client, newcomer: StaffMember, role: Role
) -> None:
    # When
    with pytest.raises(PermissionDenied):
        add_care_team_member(
            actor=actor(role),
            client_id=team_client.pk,
            staff_id=newcomer.pk,
            role=Role.THERAPIST,
            reason=REASON,
        )

    # Then
    assert (newcomer.pk, "therapist") not in _team(team_client)
    assert not CareTeamChange.objects.exists()
    refused = AuditEvent.objects.get(outcome=AuditOutcome.DENIED)
    assert (refused.client_id, refused.detail) == (team_client.pk, "care_team")


def test_a_therapist_off_the_team_finds_no_such_client(
    actor: ActorFor, other_client: Client, newcomer: StaffMember
) -> None:
    with pytest.raises(NotFound):
        add_care_team_member(
            actor=actor(Role.THERAPIST),
            client_id=other_client.pk,
            staff_id=newcomer.pk,
            role=Role.THERAPIST,
            reason=REASON,
        )
    assert not CareTeamMember.objects.filter(client=other_client).exists()


# ---------------------------------------------------------------- the service: what is refused


def test_each_bad_change_is_refused_on_its_own_field(
    actor: ActorFor,
    staff: dict[Role, StaffMember],
    team_client: Client,
    newcomer: StaffMember,
) -> None:
    desk = actor(Role.FRONT_DESK)
    elsewhere = make_staff(practice=make_practice(name="Another Practice"), roles=[Role.THERAPIST])
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"staff_id": newcomer.pk, "role": "therapist", "reason": "  "}, "reason", "Say why"),
        ({"staff_id": newcomer.pk, "role": "therapist", "reason": "x" * 501}, "reason", "500"),
        ({"staff_id": newcomer.pk, "role": "therapist", "reason": "a\x00b"}, "reason", "control"),
        ({"staff_id": newcomer.pk, "role": "monitor", "reason": REASON}, "role", "does not work"),
        ({"staff_id": newcomer.pk, "role": "front_desk", "reason": REASON}, "role", "Choose"),
        ({"staff_id": elsewhere.pk, "role": "therapist", "reason": REASON}, "staff", "Choose"),
        (
            {"staff_id": staff[Role.MONITOR].pk, "role": "monitor", "reason": REASON},
            "staff",
            "already on the care team",
        ),
    ]
    for kwargs, field, words in cases:
        with pytest.raises(FieldError) as refused:
            add_care_team_member(actor=desk, client_id=team_client.pk, **kwargs)
        assert (refused.value.field, words in refused.value.message) == (field, True), kwargs
    with pytest.raises(FieldError) as refused:
        remove_care_team_member(
            actor=desk, client_id=team_client.pk, staff_id=newcomer.pk, reason=REASON
        )
    assert refused.value.field == "staff"
    assert not CareTeamChange.objects.exists()


def test_removing_leaves_the_history_with_the_role_they_had(
    actor: ActorFor, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    # When
    remove_care_team_member(
        actor=actor(Role.FRONT_DESK),
        client_id=team_client.pk,
        staff_id=staff[Role.MONITOR].pk,
        reason="Moved to the Philadelphia office.",
    )

    # Then
    assert (staff[Role.MONITOR].pk, "monitor") not in _team(team_client)
    change = CareTeamChange.objects.get()
    assert (change.change, change.staff_id, change.role) == (
        "removed",
        staff[Role.MONITOR].pk,
        "monitor",
    )
    assert AuditEvent.objects.get(action=AuditAction.UPDATE).detail == (
        "Removed from the care team: Test Monitor as monitor. "
        "Why: Moved to the Philadelphia office."
    )


def test_a_long_reason_is_kept_whole_in_the_history_and_cut_to_fit_the_audit_detail(
    actor: ActorFor, team_client: Client, newcomer: StaffMember
) -> None:
    reason = "Covers the Tuesday sessions. " * 15
    add_care_team_member(
        actor=actor(Role.FRONT_DESK),
        client_id=team_client.pk,
        staff_id=newcomer.pk,
        role=Role.THERAPIST,
        reason=reason,
    )
    assert CareTeamChange.objects.get().reason == reason.strip()
    detail = AuditEvent.objects.get(action=AuditAction.UPDATE).detail
    assert len(detail) == 200
    assert detail.endswith("…")


# ---------------------------------------------------------------- access follows at once


def test_a_therapist_taken_off_the_team_loses_the_chart_and_the_api_at_once(
    staff: dict[Role, StaffMember], team_client: Client
) -> None:
    # Given
    therapist, desk = _as(staff[Role.THERAPIST]), _as(staff[Role.FRONT_DESK])
    chart = f"/clients/{team_client.pk}/"
    api = f"/api/v1/clients/{team_client.pk}"
    assert therapist.get(chart).status_code == 200
    assert therapist.get(api).status_code == 200

    # When
    answer = _post(
        desk,
        f"/api/v1/clients/{team_client.pk}/care-team/changes",
        {"change": "removed", "staff": staff[Role.THERAPIST].pk, "reason": "Left the practice."},
    )

    # Then
    assert answer.status_code == 201, answer.content
    assert therapist.get(chart).status_code == 404
    assert therapist.get(api).status_code == 404
    listed = therapist.get("/api/v1/clients").json()
    assert team_client.pk not in {c["id"] for c in listed["items"]}


def test_someone_added_reaches_the_chart_from_their_next_page(
    team_client: Client, staff: dict[Role, StaffMember], newcomer: StaffMember
) -> None:
    joining, desk = _as(newcomer), _as(staff[Role.FRONT_DESK])
    assert joining.get(f"/clients/{team_client.pk}/").status_code == 404

    _post(
        desk,
        f"/api/v1/clients/{team_client.pk}/care-team/changes",
        {"change": "added", "staff": newcomer.pk, "role": "therapist", "reason": REASON},
    )

    assert joining.get(f"/clients/{team_client.pk}/").status_code == 200


# ---------------------------------------------------------------- the API


def test_the_api_adds_lists_and_refuses_in_its_documented_shapes(
    staff: dict[Role, StaffMember], team_client: Client, newcomer: StaffMember
) -> None:
    # Given
    desk, monitor = _as(staff[Role.FRONT_DESK]), _as(staff[Role.MONITOR])
    url = f"/api/v1/clients/{team_client.pk}/care-team/changes"

    # When
    added = _post(
        desk, url, {"change": "added", "staff": newcomer.pk, "role": "therapist", "reason": REASON}
    )
    refused = _post(
        monitor,
        url,
        {"change": "removed", "staff": newcomer.pk, "reason": "Not needed."},
    )
    no_role = _post(desk, url, {"change": "added", "staff": newcomer.pk, "reason": REASON})
    no_reason = _post(desk, url, {"change": "removed", "staff": newcomer.pk, "reason": ""})
    twice = _post(
        desk, url, {"change": "added", "staff": newcomer.pk, "role": "therapist", "reason": REASON}
    )
    history = desk.get(url)

    # Then
    assert added.status_code == 201
    body = added.json()
    assert {k: body[k] for k in ("change", "staff", "name", "role", "reason", "changed_by")} == {
        "change": "added",
        "staff": newcomer.pk,
        "name": "Rowan Second",
        "role": "therapist",
        "reason": REASON,
        "changed_by": staff[Role.FRONT_DESK].pk,
    }
    assert refused.status_code == 403
    assert (no_role.status_code, no_role.json()["errors"][0]["field"]) == (422, "role")
    assert (no_reason.status_code, no_reason.json()["errors"][0]["field"]) == (422, "reason")
    assert (twice.status_code, twice.json()["errors"][0]["field"]) == (422, "staff")
    assert history.status_code == 200
    assert history.json()["count"] == 1
    assert history.json()["items"][0]["id"] == body["id"]
    client_now = desk.get(f"/api/v1/clients/{team_client.pk}").json()
    assert newcomer.pk in {m["staff"] for m in client_now["care_team"]}


def test_the_history_is_not_readable_off_the_team(
    staff: dict[Role, StaffMember], other_client: Client
) -> None:
    answer = _as(staff[Role.THERAPIST]).get(f"/api/v1/clients/{other_client.pk}/care-team/changes")
    assert answer.status_code == 404


def test_openapi_documents_the_care_team_changes(client: HttpClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = schema["paths"]["/api/v1/clients/{client_id}/care-team/changes"]
    assert set(operations) == {"get", "post"}
    assert {"201", "403", "404", "422"} <= set(operations["post"]["responses"])
    body = schema["components"]["schemas"]["CareTeamChangeIn"]
    assert set(body["required"]) == {"change", "staff", "reason"}


# ---------------------------------------------------------------- the pages


def test_the_care_team_page_refuses_beside_the_field_and_keeps_what_was_typed(
    signed_in: Callable[[Role], HttpClient], team_client: Client, newcomer: StaffMember
) -> None:
    # When
    page = signed_in(Role.FRONT_DESK).post(
        f"/clients/{team_client.pk}/care-team/",
        {"change": "added", "add-staff": newcomer.pk, "add-role": "monitor", "add-reason": REASON},
    )

    # Then
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="id_add-role_error"' in html
    assert "Rowan Second does not work as monitor." in html
    assert REASON in html  # what was typed stays
    assert not CareTeamChange.objects.exists()


def test_a_change_on_the_page_shows_in_the_history_and_on_the_chart(
    staff: dict[Role, StaffMember],
    signed_in: Callable[[Role], HttpClient],
    team_client: Client,
    newcomer: StaffMember,
) -> None:
    # Given
    desk = _as(staff[Role.FRONT_DESK])

    # When
    answer = desk.post(
        f"/clients/{team_client.pk}/care-team/",
        {
            "change": "added",
            "add-staff": newcomer.pk,
            "add-role": "therapist",
            "add-reason": REASON,
        },
    )

    # Then
    assert answer.status_code == 302
    history = desk.get(answer["Location"]).content.decode()
    assert "Rowan Second joined the care team." in history
    assert f"Why: {REASON}" in history
    assert "by Test Front desk" in history
    chart = signed_in(Role.THERAPIST).get(f"/clients/{team_client.pk}/").content.decode()
    assert "Latest changes" in chart
    assert f"Why: {REASON}" in chart


def test_a_monitor_sees_the_team_and_its_history_but_no_form(
    signed_in: Callable[[Role], HttpClient], team_client: Client, newcomer: StaffMember
) -> None:
    # Given
    monitor = signed_in(Role.MONITOR)

    # When
    page = monitor.get(f"/clients/{team_client.pk}/care-team/")
    posted = monitor.post(
        f"/clients/{team_client.pk}/care-team/",
        {
            "change": "added",
            "add-staff": newcomer.pk,
            "add-role": "therapist",
            "add-reason": REASON,
        },
    )

    # Then
    assert page.status_code == 200
    assert "Add someone" not in page.content.decode()
    assert posted.status_code == 404
    assert not CareTeamChange.objects.exists()


def test_a_therapist_who_takes_themselves_off_goes_home(
    signed_in: Callable[[Role], HttpClient], staff: dict[Role, StaffMember], team_client: Client
) -> None:
    answer = signed_in(Role.THERAPIST).post(
        f"/clients/{team_client.pk}/care-team/",
        {
            "change": "removed",
            "remove-staff": staff[Role.THERAPIST].pk,
            "remove-reason": "Hands over to a colleague.",
        },
    )
    assert (answer.status_code, answer["Location"]) == (302, "/")


def test_the_care_team_page_takes_the_same_queries_whatever_the_history(
    staff: dict[Role, StaffMember],
    signed_in: Callable[[Role], HttpClient],
    actor: ActorFor,
    team_client: Client,
    newcomer: StaffMember,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    desk = actor(Role.FRONT_DESK)
    for n in range(6):
        add_care_team_member(
            actor=desk,
            client_id=team_client.pk,
            staff_id=newcomer.pk,
            role=Role.THERAPIST,
            reason=f"Round {n}",
        )
        remove_care_team_member(
            actor=desk, client_id=team_client.pk, staff_id=newcomer.pk, reason=f"Round {n}"
        )
    http = signed_in(Role.FRONT_DESK)
    with django_assert_max_num_queries(25):
        page = http.get(f"/clients/{team_client.pk}/care-team/")
    assert page.content.decode().count('class="team-change"') == 12
