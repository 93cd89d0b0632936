"""Finding 1: one practice's privacy officer never reads another practice's trail.

Two practices share the database; each has staff and a client, and each person
reads their own client. The officer of the first lists the trail through the API
and the page and sees only their practice's events (and those that name nobody).
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.audit.services import AuditSource, record_event
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_client, make_practice, make_staff

# Sign-in (3), the person filter's choices, the client's practice, the count, the page of
# events and the audit append of the reading (3): whatever the trail holds.
CLIENT_REPORT_QUERIES = 10


def _read(staff: StaffMember, client: Client, detail: str) -> AuditEvent:
    return record_event(
        source=AuditSource(user=staff.user, source_ip="192.0.2.1"),
        action=AuditAction.READ,
        client_id=client.pk,
        category="demographics",
        detail=detail,
    )


@pytest.fixture
def elsewhere() -> tuple[StaffMember, Client]:
    other: Practice = make_practice(name="Other Practice")
    therapist = make_staff(
        practice=other, roles=[Role.THERAPIST], user__email="other.therapist@example.org"
    )
    return therapist, make_client(practice=other, legal_family_name="Elsewheresson")


@pytest.fixture
def events(
    staff: dict[Role, StaffMember], team_client: Client, elsewhere: tuple[StaffMember, Client]
) -> dict[str, AuditEvent]:
    other_staff, other_client = elsewhere
    return {
        "ours": _read(staff[Role.THERAPIST], team_client, "ours"),
        "theirs": _read(other_staff, other_client, "theirs"),
        "nobody": record_event(
            source=AuditSource(user=None, source_ip="203.0.113.4"),
            action=AuditAction.LOGIN,
            detail="sign-in failed: unknown account",
        ),
    }


def test_the_api_lists_only_the_readers_practice(
    staff: dict[Role, StaffMember], events: dict[str, AuditEvent]
) -> None:
    http = HttpClient()
    http.force_login(staff[Role.PRIVACY_OFFICER].user)
    items = http.get("/api/v1/audit-events?limit=200").json()["items"]
    seqs = {item["seq"] for item in items}
    assert events["ours"].seq in seqs
    assert events["nobody"].seq in seqs
    assert events["theirs"].seq not in seqs
    assert "other.therapist@example.org" not in str(items)


def test_filtering_by_the_other_practices_client_finds_nothing(
    staff: dict[Role, StaffMember],
    events: dict[str, AuditEvent],
    elsewhere: tuple[StaffMember, Client],
) -> None:
    http = HttpClient()
    http.force_login(staff[Role.PRIVACY_OFFICER].user)
    officer = staff[Role.PRIVACY_OFFICER].user.pk
    by_client = http.get(f"/api/v1/audit-events?client={elsewhere[1].pk}").json()["items"]
    # only the officer's own reading (recorded as it happens) names that client's id
    assert {item["actor"] for item in by_client} == {officer}
    assert events["theirs"].seq not in {item["seq"] for item in by_client}
    assert http.get(f"/api/v1/audit-events?actor={elsewhere[0].user.pk}").json()["count"] == 0


def test_the_page_shows_only_the_readers_practice(
    staff: dict[Role, StaffMember], events: dict[str, AuditEvent]
) -> None:
    http = HttpClient()
    http.force_login(staff[Role.PRIVACY_OFFICER].user)
    html = http.get("/audit/").content.decode()
    assert "other.therapist@example.org" not in html
    assert "Elsewheresson" not in html
    assert f"<td>{events['ours'].seq}</td>" in html
    assert f"<td>{events['theirs'].seq}</td>" not in html


def test_the_page_filtered_by_a_client_shows_that_clients_events_in_scope(
    staff: dict[Role, StaffMember],
    team_client: Client,
    events: dict[str, AuditEvent],
    elsewhere: tuple[StaffMember, Client],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given the other practice's therapist reading our client, and ours reading theirs
    other_staff, other_client = elsewhere
    visiting = _read(other_staff, team_client, "visiting")
    ours_there = _read(staff[Role.THERAPIST], other_client, "ours there")
    http = HttpClient()
    http.force_login(staff[Role.PRIVACY_OFFICER].user)
    # when the officer filters the page by our client, then by theirs
    http.get("/audit/", {"client": team_client.pk})  # the session's first request
    with django_assert_max_num_queries(CLIENT_REPORT_QUERIES):
        ours = http.get("/audit/", {"client": team_client.pk}).content.decode()
    theirs = http.get("/audit/", {"client": other_client.pk}).content.decode()
    # then our client's events show whoever did them, and of their client only what our
    # staff did
    assert f"<td>{events['ours'].seq}</td>" in ours
    assert f"<td>{visiting.seq}</td>" in ours
    assert f"<td>{ours_there.seq}</td>" not in ours
    assert f"<td>{ours_there.seq}</td>" in theirs
    assert f"<td>{events['theirs'].seq}</td>" not in theirs
    assert "other.therapist@example.org" not in theirs
