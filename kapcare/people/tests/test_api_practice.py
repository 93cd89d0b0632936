"""/api/v1/locations, /rooms, /staff and /audit-events: shapes, scoping, paging, queries."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Max
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.core.ids import MAX_ID
from kapcare.people.models import Client, Location, Practice, StaffMember
from kapcare.people.policy import Role
from tests.factories import (
    make_location,
    make_practice,
    make_room,
    make_staff,
    make_user,
)

SignedIn = Callable[[Role], HttpClient]
Staff = dict[Role, StaffMember]
LISTS = ["/api/v1/locations", "/api/v1/rooms", "/api/v1/staff"]


def login(member: StaffMember) -> HttpClient:
    """A browser of its own for ``member`` (``signed_in`` shares one between roles)."""
    http = HttpClient()
    http.force_login(member.user)
    return http


def audit_mark() -> int:
    return AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0


@pytest.fixture
def office(practice: Practice) -> Location:
    return make_location(
        practice=practice,
        name="Bryn Mawr",
        address_line1="1 Lancaster Ave",
        city="Bryn Mawr",
        state="PA",
        postal_code="19010",
        phone="610-555-0100",
    )


@pytest.fixture
def elsewhere(db: None) -> Practice:
    return make_practice(name="Elsewhere Practice")


# --- locations -----------------------------------------------------------------


def test_locations_list_the_practices_offices(
    signed_in: SignedIn, office: Location, elsewhere: Practice
) -> None:
    # given an office of the practice and one of another practice
    make_location(practice=elsewhere, name="Far Away")
    # when a therapist lists locations
    response = signed_in(Role.THERAPIST).get("/api/v1/locations")
    # then only the practice's office is listed, with every field
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": office.pk,
                "name": "Bryn Mawr",
                "state": "PA",
                "time_zone": "America/New_York",
                "offers_medicine_sessions": True,
                "address_line1": "1 Lancaster Ave",
                "address_line2": "",
                "city": "Bryn Mawr",
                "postal_code": "19010",
                "phone": "610-555-0100",
            }
        ],
        "count": 1,
    }


def test_locations_page(signed_in: SignedIn, practice: Practice) -> None:
    for name in ["A Office", "B Office", "C Office"]:
        make_location(practice=practice, name=name)
    body = signed_in(Role.FRONT_DESK).get("/api/v1/locations?limit=1&offset=2").json()
    assert [i["name"] for i in body["items"]] == ["C Office"]
    assert body["count"] == 3


# --- rooms ---------------------------------------------------------------------


def test_rooms_list_the_practices_rooms(
    signed_in: SignedIn, office: Location, elsewhere: Practice
) -> None:
    therapy = make_room(location=office, name="Cedar", kind="therapy")
    medicine = make_room(location=office, name="Willow", kind="medicine")
    make_room(location=make_location(practice=elsewhere, name="Far Away"), name="Elm")
    response = signed_in(Role.MONITOR).get("/api/v1/rooms")
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": therapy.pk,
                "location": office.pk,
                "name": "Cedar",
                "kind": "therapy",
                "is_active": True,
            },
            {
                "id": medicine.pk,
                "location": office.pk,
                "name": "Willow",
                "kind": "medicine",
                "is_active": True,
            },
        ],
        "count": 2,
    }


def test_rooms_filter_by_location_and_kind(
    signed_in: SignedIn, office: Location, practice: Practice
) -> None:
    other_office = make_location(practice=practice, name="Philadelphia")
    make_room(location=office, name="Cedar", kind="therapy")
    wanted = make_room(location=other_office, name="Willow", kind="medicine")
    make_room(location=other_office, name="Oak", kind="therapy")
    http = signed_in(Role.FRONT_DESK)
    body = http.get("/api/v1/rooms", {"location": str(other_office.pk), "kind": "medicine"}).json()
    assert [i["id"] for i in body["items"]] == [wanted.pk]
    assert body["count"] == 1


def test_rooms_of_another_practices_location_are_not_listed(
    signed_in: SignedIn, elsewhere: Practice
) -> None:
    far = make_location(practice=elsewhere, name="Far Away")
    make_room(location=far, name="Elm")
    body = signed_in(Role.FRONT_DESK).get("/api/v1/rooms", {"location": far.pk}).json()
    assert body == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("kind=kitchen", "kind", "Input should be 'therapy' or 'medicine'."),
        (f"location={MAX_ID + 1}", "location", f"Input should be less than or equal to {MAX_ID}."),
        ("location=0", "location", "Input should be greater than or equal to 1."),
    ],
)
def test_rooms_reject_bad_filters(
    signed_in: SignedIn, query: str, field: str, message: str
) -> None:
    response = signed_in(Role.FRONT_DESK).get(f"/api/v1/rooms?{query}")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]


# --- staff ---------------------------------------------------------------------


def test_staff_list_shape(signed_in: SignedIn, staff: Staff, practice: Practice) -> None:
    therapist = staff[Role.THERAPIST]
    therapist.credentials = "LPC"
    therapist.npi = "1234567893"
    therapist.save()
    body = signed_in(Role.FRONT_DESK).get("/api/v1/staff?role=therapist").json()
    assert body == {
        "items": [
            {
                "id": therapist.pk,
                "name": "Test Therapist",
                "email": "therapist@example.org",
                "roles": ["therapist"],
                "licensed_states": ["NJ", "PA"],
                "credentials": "LPC",
                "npi": "1234567893",
            }
        ],
        "count": 1,
    }


def test_staff_list_holds_active_staff_of_the_practice_only(
    signed_in: SignedIn, staff: Staff, practice: Practice, elsewhere: Practice
) -> None:
    gone = make_staff(practice=practice, roles=[Role.THERAPIST], is_active=False)
    make_staff(practice=elsewhere, roles=[Role.THERAPIST])
    body = signed_in(Role.THERAPIST).get("/api/v1/staff").json()
    assert sorted(i["id"] for i in body["items"]) == sorted(s.pk for s in staff.values())
    assert body["count"] == len(Role)
    assert gone.pk not in [i["id"] for i in body["items"]]


def test_staff_member_with_several_roles_lists_them_all(
    signed_in: SignedIn, practice: Practice
) -> None:
    both = make_staff(practice=practice, roles=[Role.THERAPIST, Role.MEDICAL_PROVIDER])
    body = signed_in(Role.FRONT_DESK).get("/api/v1/staff?role=medical_provider&limit=200").json()
    listed = {i["id"]: i["roles"] for i in body["items"]}
    assert listed[both.pk] == ["medical_provider", "therapist"]


def test_staff_rejects_unknown_role(signed_in: SignedIn) -> None:
    response = signed_in(Role.FRONT_DESK).get("/api/v1/staff?role=wizard")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["role"]


# --- the practice lists, together ----------------------------------------------


@pytest.mark.parametrize("path", LISTS)
def test_signed_in_user_without_a_staff_record_gets_404(
    client: HttpClient, db: None, path: str
) -> None:
    # given an account that is not (or no longer) a staff member
    client.force_login(make_user())
    # then the practice's lists are not theirs to see
    response = client.get(path)
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


@pytest.mark.parametrize("path", LISTS)
def test_practice_lists_do_not_grow_queries_with_rows(
    signed_in: SignedIn,
    practice: Practice,
    office: Location,
    path: str,
    django_assert_max_num_queries: Any,
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            location = make_location(practice=practice)
            make_room(location=location)
            make_staff(practice=practice, roles=[Role.THERAPIST], states=["PA", "NJ"])

    add(5)
    http = signed_in(Role.FRONT_DESK)
    http.get(path)  # warm the session
    with CaptureQueriesContext(connection) as few:
        count = http.get(path).json()["count"]
    baseline = len(few)  # read now: the next request clears the log
    add(35)
    with django_assert_max_num_queries(baseline):
        assert http.get(path).json()["count"] == count + 35


# --- audit events --------------------------------------------------------------


def test_privacy_officer_reads_the_trail_newest_first(
    signed_in: SignedIn, staff: Staff, team_client: Client
) -> None:
    # given a read of a client by the therapist
    signed_in(Role.THERAPIST).get(f"/api/v1/clients/{team_client.pk}")
    read = AuditEvent.objects.get(action="read", client_id=team_client.pk)
    officer = signed_in(Role.PRIVACY_OFFICER)
    mark = audit_mark()
    # when the privacy officer asks for that client's events
    response = officer.get("/api/v1/audit-events", {"client": team_client.pk})
    # then the therapist's read is listed with every field...
    assert response.status_code == 200
    body = response.json()
    own_read = AuditEvent.objects.get(seq=mark + 1)
    assert [i["seq"] for i in body["items"]] == [own_read.seq, read.seq]
    assert body["count"] == 2
    assert body["items"][1] == {
        "seq": read.seq,
        "at": json.loads(json.dumps(read.at, cls=DjangoJSONEncoder)),
        "actor": staff[Role.THERAPIST].user_id,
        "actor_email": "therapist@example.org",
        "client": team_client.pk,
        "action": "read",
        "category": "demographics",
        "outcome": "success",
        "source_ip": "127.0.0.1",
        "detail": "api:get_client",
        "hash": read.hash,
    }
    # ...and reading the trail is itself audited
    assert (own_read.action, own_read.category, own_read.actor_id, own_read.client_id) == (
        "read",
        "audit",
        staff[Role.PRIVACY_OFFICER].user_id,
        team_client.pk,
    )


@pytest.mark.parametrize(
    "role", [Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR, Role.FRONT_DESK]
)
def test_other_roles_are_refused_the_trail_and_the_refusal_is_audited(
    signed_in: SignedIn, staff: Staff, role: Role
) -> None:
    http = signed_in(role)
    mark = audit_mark()
    response = http.get("/api/v1/audit-events")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    refusal = AuditEvent.objects.get(seq__gt=mark)
    assert (refusal.action, refusal.outcome, refusal.category, refusal.actor_id) == (
        "denied",
        "denied",
        "audit",
        staff[role].user_id,
    )


def test_trail_filters_by_action_and_time(
    signed_in: SignedIn,
    staff: Staff,
    team_client: Client,
    other_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a refused read on one day, and a read and a refused read the next day
    therapist = login(staff[Role.THERAPIST])
    day_one = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: day_one)
    therapist.get(f"/api/v1/clients/{other_client.pk}")
    monkeypatch.setattr(clock, "now", lambda: day_one + dt.timedelta(days=1))
    therapist.get(f"/api/v1/clients/{team_client.pk}")
    therapist.get(f"/api/v1/clients/{other_client.pk}")
    first, second = AuditEvent.objects.filter(action="denied").order_by("seq")
    officer = login(staff[Role.PRIVACY_OFFICER])
    cut = (day_one + dt.timedelta(hours=12)).isoformat()
    # when the officer asks for refusals after, then before, the cut
    after = officer.get("/api/v1/audit-events", {"action": "denied", "since": cut}).json()
    before = officer.get("/api/v1/audit-events", {"action": "denied", "until": cut}).json()
    # then each answer holds the one refusal on its side
    assert [i["seq"] for i in after["items"]] == [second.seq]
    assert [i["seq"] for i in before["items"]] == [first.seq]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "2026-01-01T00:00:00"}, "since"),
        ({"until": "9999-12-31T23:59:59-05:00"}, "until"),
        ({"action": "teleport"}, "action"),
        ({"client": str(MAX_ID + 1)}, "client"),
        ({"actor": "-3"}, "actor"),
    ],
)
def test_trail_rejects_bad_filters(signed_in: SignedIn, query: dict[str, str], field: str) -> None:
    response = signed_in(Role.PRIVACY_OFFICER).get("/api/v1/audit-events", query)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_trail_query_count_does_not_grow_with_rows(
    staff: Staff, team_client: Client, django_assert_max_num_queries: Any
) -> None:
    reader = login(staff[Role.THERAPIST])
    officer = login(staff[Role.PRIVACY_OFFICER])
    # More than a page of events from the start: a short last page is counted from
    # itself (core.pagination), a full one needs the COUNT; both are compared full.
    for _ in range(55):
        reader.get(f"/api/v1/clients/{team_client.pk}")
    officer.get("/api/v1/audit-events")  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert officer.get("/api/v1/audit-events").status_code == 200
    baseline = len(few)  # read now: the next request clears the log
    for _ in range(45):
        reader.get(f"/api/v1/clients/{team_client.pk}")
    with django_assert_max_num_queries(baseline):
        body = officer.get("/api/v1/audit-events").json()
    assert len(body["items"]) == 50
