"""/api/v1/clients/{id}/emergency-access and /api/v1/emergency-accesses: shapes, statuses,
and that the client's own endpoints answer the holder while the access lasts."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.api import api
from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.people.models import Client, EmergencyAccess, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_emergency_access, make_practice, make_staff

pytestmark = pytest.mark.django_db

SignedIn = Callable[[Role], HttpClient]
REASON = "Client called in crisis; their therapist is away."


def _ask(http: HttpClient, client_id: int, body: Any) -> Any:
    return http.post(
        f"/api/v1/clients/{client_id}/emergency-access", body, content_type="application/json"
    )


def test_asking_opens_the_client_endpoints_and_answers_the_access(
    signed_in: SignedIn, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    assert http.get(f"/api/v1/clients/{other_client.pk}").status_code == 404

    response = _ask(http, other_client.pk, {"reason": REASON})

    assert response.status_code == 201
    body = response.json()
    access = EmergencyAccess.objects.get()
    assert body["id"] == access.pk
    assert (body["client"], body["staff"], body["reason"], body["state"]) == (
        other_client.pk,
        staff[Role.THERAPIST].pk,
        REASON,
        "open",
    )
    starts = dt.datetime.fromisoformat(body["starts_at"])
    assert dt.datetime.fromisoformat(body["ends_at"]) - starts == dt.timedelta(hours=4)
    assert body["reads"] is None
    got = http.get(f"/api/v1/clients/{other_client.pk}")
    assert got.status_code == 200
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.client_id) == (AuditAction.EMERGENCY, other_client.pk)
    # Asking again answers the open one.
    again = _ask(http, other_client.pk, {"reason": "again"})
    assert again.status_code == 200
    assert again.json()["id"] == access.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "crisis\u0000"}, "reason"),
        ({"reason": "x" * 501}, "reason"),
    ],
)
def test_a_missing_or_bad_reason_is_a_422_naming_the_field(
    signed_in: SignedIn, other_client: Client, body: dict[str, str], field: str
) -> None:
    response = _ask(signed_in(Role.THERAPIST), other_client.pk, body)
    assert response.status_code == 422
    assert field in str(response.json())
    assert not EmergencyAccess.objects.exists()


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.FRONT_DESK])
def test_practice_wide_roles_are_refused(
    signed_in: SignedIn, other_client: Client, role: Role
) -> None:
    assert _ask(signed_in(role), other_client.pk, {"reason": REASON}).status_code == 403
    assert not EmergencyAccess.objects.exists()


def test_another_practices_client_is_not_found(signed_in: SignedIn) -> None:
    from tests.factories import make_client

    elsewhere = make_client(practice=make_practice(name="Another Practice"))
    assert _ask(signed_in(Role.THERAPIST), elsewhere.pk, {"reason": REASON}).status_code == 404


def test_the_review_list_and_the_review(
    signed_in: SignedIn, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    _ask(therapist, other_client.pk, {"reason": REASON})
    therapist.get(f"/api/v1/clients/{other_client.pk}")
    elsewhere = make_staff(practice=make_practice(name="Another Practice"), roles=[Role.THERAPIST])
    make_emergency_access(staff=elsewhere, client__practice=elsewhere.practice)

    assert therapist.get("/api/v1/emergency-accesses").status_code == 404
    officer = signed_in(Role.PRIVACY_OFFICER)
    listed = officer.get("/api/v1/emergency-accesses?to_review=true")
    assert listed.status_code == 200
    page = listed.json()
    assert page["count"] == 1  # not the other practice's
    [item] = page["items"]
    assert item["client_name"] == other_client.display_name
    assert item["staff_name"] == staff[Role.THERAPIST].user.full_name
    assert [(r["category"], r["detail"], r["times"]) for r in item["reads"]] == [
        ("demographics", "api:get_client", 1)
    ]

    reviewed = officer.post(
        f"/api/v1/emergency-accesses/{item['id']}/review",
        {"note": "Confirmed."},
        content_type="application/json",
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["state"] == "reviewed"
    assert reviewed.json()["reviewed_by"] == staff[Role.PRIVACY_OFFICER].pk
    assert officer.get("/api/v1/emergency-accesses?to_review=true").json()["count"] == 0
    twice = officer.post(
        f"/api/v1/emergency-accesses/{item['id']}/review", {}, content_type="application/json"
    )
    assert twice.status_code == 422
    assert "note" in str(twice.json())


def test_the_operations_are_documented() -> None:
    schema = api.get_openapi_schema()
    ask = schema["paths"]["/api/v1/clients/{client_id}/emergency-access"]["post"]
    assert "time box" in ask["description"]
    assert {"200", "201", "403", "404", "422"} <= set(ask["responses"])
    listed = schema["paths"]["/api/v1/emergency-accesses"]["get"]
    assert "privacy officer" in listed["description"]
    assert "/api/v1/emergency-accesses/{access_id}/review" in schema["paths"]
