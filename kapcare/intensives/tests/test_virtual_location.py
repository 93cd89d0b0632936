"""Where the client will be for an intensive's video blocks: recorded on the plan, checked
by the booking check's own telehealth rule, and carried by every proposed video block."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.intensives.models import IntensivePlan
from kapcare.intensives.tests.records import MONDAY, PATTERN, office, ready_for_intensive
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.rules import StaffInfo
from kapcare.scheduling.rules.telehealth import (
    may_see_virtually,
    not_licensed_in,
    virtual_session_state,
)

SignIn = Callable[[Role], HttpClient]


@pytest.fixture(autouse=True)
def _one_worker(settings: Any) -> None:
    settings.INTENSIVE_SOLVER_WORKERS = 1
    settings.INTENSIVE_SOLVER_SECONDS = 20


@pytest.fixture
def away(practice: Practice, staff: dict[Role, StaffMember], team_client: Client) -> Client:
    """A client living in Delaware, where the practice offers no video sessions (it offers
    PA and NJ; its clinicians are licensed in PA and NJ), with a day-3 EMDR block by video."""
    office(practice, staff)
    team_client.home_state = "DE"
    team_client.save()
    ready_for_intensive(team_client, staff)
    return team_client


def put_plan(http: HttpClient, client: Client, **body: Any) -> Any:
    return http.put(
        f"/api/v1/clients/{client.pk}/intensive-plan",
        {"earliest_start": MONDAY.isoformat(), "pattern": PATTERN, **body},
        content_type="application/json",
    )


def plan(http: HttpClient, client: Client) -> Any:
    return http.post(
        "/api/v1/intensives/plan",
        {"clients": [client.pk], "days": 3, "earliest_start": MONDAY.isoformat()},
        content_type="application/json",
    )


def test_the_rule_counts_the_attested_state_else_home() -> None:
    licensed = StaffInfo(id=1, roles=frozenset({Role.THERAPIST}), licensed_states=frozenset({"PA"}))
    assert virtual_session_state("NJ", "DE") == "NJ"
    assert virtual_session_state(None, "DE") == "DE"
    assert may_see_virtually(licensed, "PA", {"PA", "NJ"})
    assert not may_see_virtually(licensed, "NJ", {"PA", "NJ"})  # not licensed there
    assert not may_see_virtually(licensed, "PA", {"NJ"})  # the practice does not serve PA
    assert not_licensed_in("NJ", [licensed]) == [licensed]


def test_at_home_in_an_unserved_state_no_video_block_can_be_planned(
    signed_in: SignIn, away: Client
) -> None:
    answer = plan(signed_in(Role.FRONT_DESK), away)
    assert answer.status_code == 422
    violations = answer.json()["violations"]
    assert [v["rule"] for v in violations] == ["telehealth.client_location_unlicensed"]
    assert "DE" in violations[0]["message"]


def test_a_recorded_location_is_where_every_video_block_is_planned_and_checked(
    signed_in: SignIn, away: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    saved = put_plan(http, away, virtual_location_state="NJ")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["virtual_location_state"] == "NJ"
    answer = plan(http, away)
    assert answer.status_code == 200, answer.json()
    proposal = answer.json()["appointments"]
    video = [p for p in proposal if p["modality"] == "telehealth"]
    assert video, "the pattern's day-3 EMDR block is by video"
    assert {p["client_location_state"] for p in video} == {"NJ"}
    assert {p["client_location_state"] for p in proposal if p["modality"] == "in_person"} == {None}
    for item in proposal:
        checked = http.post("/api/v1/appointments/check", item, content_type="application/json")
        assert checked.json() == {"ok": True, "violations": []}, item
        # Booked in order, as the check of the next one counts the ones before it.
        assert (
            http.post("/api/v1/appointments", item, content_type="application/json").status_code
            == 201
        )


def test_a_location_no_therapist_may_serve_is_refused_on_its_field(
    signed_in: SignIn, away: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    answer = put_plan(http, away, virtual_location_state="NY")
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == "virtual_location_state"
    assert "New York" in error["message"]
    # At home in Delaware is refused the same way: the home state applies then.
    assert put_plan(http, away).json()["errors"][0]["field"] == "virtual_location_state"
    assert IntensivePlan.objects.get(client=away).virtual_location_state == ""


def test_a_location_that_is_not_a_state_is_refused(signed_in: SignIn, away: Client) -> None:
    answer = put_plan(signed_in(Role.FRONT_DESK), away, virtual_location_state="ZZ")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "virtual_location_state"


def test_without_video_blocks_any_home_state_is_fine(signed_in: SignIn, away: Client) -> None:
    in_person = [[{**b, "modality": "in_person"} for b in day] for day in PATTERN]
    answer = put_plan(signed_in(Role.FRONT_DESK), away, pattern=in_person)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["virtual_location_state"] is None
    stored = IntensivePlan.objects.get(client=away).pattern
    assert {b["modality"] for day in stored for b in day} == {"in_person"}
