"""API: the practice's templates and a client's intensive plan, created and read."""

from collections.abc import Callable
from typing import Any

from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.intensives.models import IntensivePlan, PatternTemplate
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

SignIn = Callable[[Role], HttpClient]

PATTERN = [
    [
        {"activity": "preparation", "minutes": 90, "modality": "in_person"},
        {"activity": "closure", "minutes": 30, "modality": "telehealth"},
    ],
    [
        {"activity": "medicine", "minutes": 180, "modality": "in_person"},
        {"activity": "integration", "minutes": 60, "modality": "in_person"},
        {"activity": "closure", "minutes": 30, "modality": "in_person"},
    ],
]


def put_plan(http: HttpClient, client_id: int, **body: Any) -> Any:
    body.setdefault("earliest_start", "2026-03-02")
    return http.put(
        f"/api/v1/clients/{client_id}/intensive-plan", body, content_type="application/json"
    )


def test_front_desk_adds_a_template_and_lists_it(signed_in: SignIn) -> None:
    http = signed_in(Role.FRONT_DESK)
    made = http.post(
        "/api/v1/intensives/templates",
        {"name": "Two days", "pattern": PATTERN},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["name"] == "Two days"
    listed = http.get("/api/v1/intensives/templates").json()
    assert listed["count"] == 1
    assert [t["name"] for t in listed["items"]] == ["Two days"]


def test_a_template_with_a_day_without_closure_is_refused_on_the_pattern(signed_in: SignIn) -> None:
    answer = signed_in(Role.FRONT_DESK).post(
        "/api/v1/intensives/templates",
        {"name": "Bad", "pattern": [[{"activity": "emdr", "minutes": 60}]]},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "pattern", "message": "Day 1 must end with its daily closure."}
    ]
    assert not PatternTemplate.objects.exists()


def test_a_monitor_may_not_add_templates(signed_in: SignIn) -> None:
    answer = signed_in(Role.MONITOR).post(
        "/api/v1/intensives/templates",
        {"name": "Two days", "pattern": PATTERN},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert not PatternTemplate.objects.exists()


def test_front_desk_sets_a_plan_and_reads_it_back(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.FRONT_DESK)
    answer = put_plan(
        http,
        team_client.pk,
        pattern=PATTERN,
        preferred_clinicians=[staff[Role.THERAPIST].pk],
        day_ends_by="17:00",
    )
    assert answer.status_code == 200, answer.json()
    read = http.get(f"/api/v1/clients/{team_client.pk}/intensive-plan").json()
    assert read == {
        "client": team_client.pk,
        "days": 2,
        "pattern": PATTERN,
        "template": None,
        "approved_dosing_days": [],
        "dosing_approved_by": None,
        "preferred_clinicians": [staff[Role.THERAPIST].pk],
        "earliest_start": "2026-03-02",
        "day_ends_by": "17:00:00",
        "virtual_location_state": None,
    }
    assert (
        AuditEvent.objects.filter(
            client_id=team_client.pk, action="create", detail__startswith="intensive_plan:"
        ).count()
        == 1
    )


def test_only_a_medical_provider_approves_dosing_days(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    refused = put_plan(
        signed_in(Role.FRONT_DESK), team_client.pk, pattern=PATTERN, approved_dosing_days=[2]
    )
    assert refused.status_code == 403
    assert not IntensivePlan.objects.exists()
    approved = put_plan(
        signed_in(Role.MEDICAL_PROVIDER), team_client.pk, pattern=PATTERN, approved_dosing_days=[2]
    )
    assert approved.status_code == 200
    assert approved.json()["approved_dosing_days"] == [2]
    assert approved.json()["dosing_approved_by"] == staff[Role.MEDICAL_PROVIDER].pk
    # Front desk changing something else keeps the approval.
    kept = put_plan(signed_in(Role.FRONT_DESK), team_client.pk, pattern=PATTERN)
    assert kept.status_code == 200
    assert kept.json()["approved_dosing_days"] == [2]


def test_a_dosing_day_beyond_the_intensive_is_refused(
    signed_in: SignIn, team_client: Client
) -> None:
    answer = put_plan(
        signed_in(Role.MEDICAL_PROVIDER), team_client.pk, pattern=PATTERN, approved_dosing_days=[3]
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "approved_dosing_days"


def test_a_shorter_intensive_does_not_keep_an_approval_past_its_days(
    signed_in: SignIn, team_client: Client
) -> None:
    put_plan(
        signed_in(Role.MEDICAL_PROVIDER), team_client.pk, pattern=PATTERN, approved_dosing_days=[2]
    )
    # The front desk shortens it to one day, keeping the approval (it sends none)
    refused = put_plan(signed_in(Role.FRONT_DESK), team_client.pk, pattern=[PATTERN[0]])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "approved_dosing_days"
    stored = IntensivePlan.objects.get(client=team_client)
    assert (len(stored.pattern), stored.approved_dosing_days) == (len(PATTERN), [2])


def test_a_plan_from_a_template_copies_its_pattern(signed_in: SignIn, team_client: Client) -> None:
    http = signed_in(Role.FRONT_DESK)
    template = http.post(
        "/api/v1/intensives/templates",
        {"name": "Two days", "pattern": PATTERN},
        content_type="application/json",
    ).json()
    answer = put_plan(http, team_client.pk, template=template["id"])
    assert answer.status_code == 200
    assert answer.json()["pattern"] == PATTERN
    assert answer.json()["template"] == template["id"]


def test_a_client_off_the_team_is_not_found_for_a_therapist(
    signed_in: SignIn, other_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    assert put_plan(http, other_client.pk, pattern=PATTERN).status_code == 404
    assert http.get(f"/api/v1/clients/{other_client.pk}/intensive-plan").status_code == 404
    assert not IntensivePlan.objects.exists()


def test_no_plan_yet_is_not_found(signed_in: SignIn, team_client: Client) -> None:
    answer = signed_in(Role.FRONT_DESK).get(f"/api/v1/clients/{team_client.pk}/intensive-plan")
    assert answer.status_code == 404
