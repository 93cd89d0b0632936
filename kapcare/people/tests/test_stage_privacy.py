"""Finding 6 of issue 12: the pathway stage names the medicine program, so it is clinical
data; the privacy officer (who sees no clinical content) does not see it anywhere."""

import itertools
from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.people.models import Client
from kapcare.people.policy import (
    Role,
    list_shows_pathway_stage,
    may_see_pathway_stage,
)

SignedIn = Callable[[Role], HttpClient]
ALL_ROLE_SETS = [
    frozenset(c) for n in range(len(Role) + 1) for c in itertools.combinations(Role, n)
]
CLINICIANS = (Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR)


@pytest.mark.parametrize("roles", ALL_ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
@pytest.mark.parametrize("on_care_team", [True, False])
def test_the_stage_is_seen_with_the_schedule_or_the_clinical_record(
    roles: frozenset[Role], on_care_team: bool
) -> None:
    # Front desk sees it (it books the sessions that make it); clinicians on the team see
    # it; the privacy officer alone, or a clinician off the team, does not.
    expected = Role.FRONT_DESK in roles or (on_care_team and bool(roles & set(CLINICIANS)))
    assert may_see_pathway_stage(roles, on_care_team=on_care_team) is expected


@pytest.mark.parametrize(
    ("roles", "shown"),
    [
        ({Role.PRIVACY_OFFICER}, False),
        ({Role.FRONT_DESK}, True),
        ({Role.THERAPIST}, True),
        ({Role.MONITOR}, True),
        # A practice-wide list holds clients off the therapist's team: no stage column.
        ({Role.PRIVACY_OFFICER, Role.THERAPIST}, False),
        ({Role.FRONT_DESK, Role.PRIVACY_OFFICER}, True),
    ],
)
def test_a_client_list_shows_the_stage_column(roles: set[Role], shown: bool) -> None:
    assert list_shows_pathway_stage(frozenset(roles)) is shown


def test_privacy_officer_home_page_has_no_stage(
    signed_in: SignedIn, team_client: Client, other_client: Client
) -> None:
    # when the privacy officer opens the client list, even asking for a stage
    response = signed_in(Role.PRIVACY_OFFICER).get("/?stage=screening")
    # then both clients are listed with no stage column, no stage filter, no stage name
    assert response.status_code == 200
    page = response.content.decode()
    assert team_client.display_name in page
    assert other_client.display_name in page
    assert "Pathway stage" not in page
    assert "Filter by pathway stage" not in page
    assert "Consultation" not in page


def test_front_desk_home_page_still_shows_the_stage(
    signed_in: SignedIn, team_client: Client
) -> None:
    page = signed_in(Role.FRONT_DESK).get("/").content.decode()
    assert "Pathway stage" in page
    assert "Filter by pathway stage" in page


def test_privacy_officer_client_details_page_has_no_stage(
    signed_in: SignedIn, team_client: Client
) -> None:
    response = signed_in(Role.PRIVACY_OFFICER).get(f"/clients/{team_client.pk}/profile/")
    assert response.status_code == 200
    assert "Pathway stage" not in response.content.decode()


def test_therapist_on_the_team_sees_the_stage_on_the_details_page(
    signed_in: SignedIn, team_client: Client
) -> None:
    response = signed_in(Role.THERAPIST).get(f"/clients/{team_client.pk}/profile/")
    assert "Pathway stage" in response.content.decode()


def test_privacy_officer_api_answers_no_stage(
    signed_in: SignedIn, team_client: Client, other_client: Client
) -> None:
    http = signed_in(Role.PRIVACY_OFFICER)
    # when the privacy officer lists clients and reads one
    listed = http.get("/api/v1/clients").json()
    one = http.get(f"/api/v1/clients/{team_client.pk}").json()
    # then every stage is null
    assert [item["stage"] for item in listed["items"]] == [None, None]
    assert one["stage"] is None


def test_privacy_officer_may_not_filter_clients_by_stage(
    signed_in: SignedIn, team_client: Client
) -> None:
    # a filter by a stage one may not see would reveal the stage by the count
    response = signed_in(Role.PRIVACY_OFFICER).get("/api/v1/clients?stage=consultation")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "stage", "message": "Your role does not see pathway stages."}
    ]


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST])
def test_who_sees_the_schedule_or_the_record_gets_the_stage(
    signed_in: SignedIn, team_client: Client, role: Role
) -> None:
    body = signed_in(role).get(f"/api/v1/clients/{team_client.pk}").json()
    assert body["stage"] == "consultation"
