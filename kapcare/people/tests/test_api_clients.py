"""/api/v1/clients: scoping by role and care team, shapes, paging, audit, query counts."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Max
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditEvent
from kapcare.core.ids import MAX_ID
from kapcare.people.models import CareTeamMember, Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.stage_query import stage_of
from kapcare.people.vocabulary import PathwayStage
from tests.factories import make_care_team_member, make_client, make_practice, make_staff

SignedIn = Callable[[Role], HttpClient]
Staff = dict[Role, StaffMember]
AuditRow = tuple[str, str, int | None, int | None, str, str]

CLINICIANS = (Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR)
PRACTICE_WIDE = (Role.FRONT_DESK, Role.PRIVACY_OFFICER)
NOT_FOUND = {"detail": "Not found."}
NOT_INTEGER = "Input should be a valid integer, unable to parse string as an integer."


def audit_mark() -> int:
    return AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0


def audit_since(mark: int) -> list[AuditRow]:
    """(action, category, client_id, actor_id, outcome, detail) of events after ``mark``."""
    return [
        (e.action, e.category, e.client_id, e.actor_id, e.outcome, e.detail)
        for e in AuditEvent.objects.filter(seq__gt=mark).order_by("seq")
    ]


def client_json(client: Client) -> dict[str, Any]:
    client.refresh_from_db()
    return {
        "id": client.pk,
        "given_name": client.legal_given_name,
        "family_name": client.legal_family_name,
        "preferred_name": client.preferred_name,
        "pronouns": client.pronouns,
        "date_of_birth": client.date_of_birth.isoformat(),
        "email": client.email,
        "phone": client.phone,
        "home_state": client.home_state,
        "emergency_contact_name": client.emergency_contact_name,
        "emergency_contact_relationship": client.emergency_contact_relationship,
        "emergency_contact_phone": client.emergency_contact_phone,
        "status": client.status,
        "stage": stage_of(client.pk).value,
        "care_team": [
            {"staff": m.staff_id, "name": m.staff.user.full_name, "role": m.role}
            for m in client.care_team.select_related("staff__user")
        ],
    }


def new_client_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "given_name": "Rowan",
        "family_name": "Testperson",
        "date_of_birth": "1988-04-12",
        "email": "rowan@example.com",
        "phone": "+1 610 555 0100",
        "home_state": "PA",
        "care_team": [],
    }
    body.update(overrides)
    return body


@pytest.fixture
def foreign_client(db: None) -> Client:
    """A client of another practice."""
    return make_client(practice=make_practice(name="Elsewhere Practice"))


# --- listing -------------------------------------------------------------------


@pytest.mark.parametrize("role", CLINICIANS)
def test_clinician_lists_only_care_team_clients(
    signed_in: SignedIn, role: Role, team_client: Client, other_client: Client
) -> None:
    # given a client on the caller's care team and one who is not
    # when the clinician lists clients
    response = signed_in(role).get("/api/v1/clients")
    # then only the care-team client is listed
    assert response.status_code == 200
    assert response.json() == {"items": [client_json(team_client)], "count": 1}


@pytest.mark.parametrize("role", PRACTICE_WIDE)
def test_practice_wide_roles_list_every_client_of_their_practice_only(
    signed_in: SignedIn,
    role: Role,
    team_client: Client,
    other_client: Client,
    foreign_client: Client,
) -> None:
    # given two clients in the practice and one in another practice
    # when front desk or the privacy officer lists clients
    response = signed_in(role).get("/api/v1/clients")
    # then both clients of their practice are listed, the other practice's are not
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert sorted(item["id"] for item in body["items"]) == sorted([team_client.pk, other_client.pk])


def test_list_is_sorted_by_family_then_given_name(signed_in: SignedIn, practice: Practice) -> None:
    # given clients created out of order
    for given, family in [("Zed", "Brook"), ("Amy", "Brook"), ("Bo", "Adler")]:
        make_client(practice=practice, legal_given_name=given, legal_family_name=family)
    # when front desk lists them
    body = signed_in(Role.FRONT_DESK).get("/api/v1/clients").json()
    # then they come by family name, then given name
    assert [(i["family_name"], i["given_name"]) for i in body["items"]] == [
        ("Adler", "Bo"),
        ("Brook", "Amy"),
        ("Brook", "Zed"),
    ]


def test_list_pages_with_limit_and_offset(signed_in: SignedIn, practice: Practice) -> None:
    # given five clients
    families = ["Ash", "Birch", "Cedar", "Dogwood", "Elm"]
    for family in families:
        make_client(practice=practice, legal_family_name=family)
    http = signed_in(Role.FRONT_DESK)
    # when asking for two, skipping one
    body = http.get("/api/v1/clients?limit=2&offset=1").json()
    # then the second and third come, with the total count
    assert [i["family_name"] for i in body["items"]] == ["Birch", "Cedar"]
    assert body["count"] == 5
    # and past the end there is an empty page, still with the count
    assert http.get("/api/v1/clients?offset=5").json() == {"items": [], "count": 5}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=0", "limit", "Input should be greater than or equal to 1."),
        ("limit=201", "limit", "Input should be less than or equal to 200."),
        ("limit=ten", "limit", NOT_INTEGER),
        ("offset=-1", "offset", "Input should be greater than or equal to 0."),
        (f"offset={2**63}", "offset", "Input should be less than or equal to 2147483647."),
        ("status=asleep", "status", "Input should be 'active', 'paused' or 'closed'."),
    ],
)
def test_list_rejects_bad_paging_and_filters(
    signed_in: SignedIn, team_client: Client, query: str, field: str, message: str
) -> None:
    response = signed_in(Role.FRONT_DESK).get(f"/api/v1/clients?{query}")
    assert response.status_code == 422
    assert response.json() == {
        "detail": f"{field}: {message}",
        "errors": [{"field": field, "message": message}],
    }


def test_list_filters_by_name_words_and_status(signed_in: SignedIn, practice: Practice) -> None:
    # given clients with different names and statuses
    wanted = make_client(practice=practice, legal_given_name="Juniper", legal_family_name="Hale")
    make_client(practice=practice, legal_given_name="Juniper", legal_family_name="Moss")
    make_client(
        practice=practice, legal_given_name="Juniper", legal_family_name="Hale-Two", status="paused"
    )
    http = signed_in(Role.FRONT_DESK)
    # when searching by two words and a status
    body = http.get("/api/v1/clients", {"q": "junip hale", "status": "active"}).json()
    # then only the client matching every word and the status is listed
    assert [i["id"] for i in body["items"]] == [wanted.pk]
    assert body["count"] == 1


def test_list_records_one_read_event_per_listed_client(
    signed_in: SignedIn, staff: Staff, practice: Practice
) -> None:
    # given three clients
    clients = [make_client(practice=practice, legal_family_name=f"Fam{n}") for n in range(3)]
    http = signed_in(Role.FRONT_DESK)
    mark = audit_mark()
    # when front desk reads a page of two
    response = http.get("/api/v1/clients?limit=2")
    assert response.status_code == 200
    # then exactly those two reads are audited, with the actor and category
    actor_id = staff[Role.FRONT_DESK].user_id
    assert audit_since(mark) == [
        ("read", "demographics", c.pk, actor_id, "success", "api:list_clients") for c in clients[:2]
    ]


def test_empty_list_records_no_client_event(signed_in: SignedIn, practice: Practice) -> None:
    http = signed_in(Role.THERAPIST)
    mark = audit_mark()
    response = http.get("/api/v1/clients")
    assert response.json() == {"items": [], "count": 0}
    assert audit_since(mark) == []


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST])
def test_list_query_count_does_not_grow_with_rows(
    signed_in: SignedIn,
    staff: Staff,
    practice: Practice,
    role: Role,
    django_assert_max_num_queries: Any,
) -> None:
    # given 5 clients, each with a three-person care team including the caller
    def add_clients(n: int) -> None:
        for _ in range(n):
            client = make_client(practice=practice)
            for team_role in CLINICIANS:
                make_care_team_member(client=client, staff=staff[team_role], role=team_role)

    add_clients(5)
    http = signed_in(role)
    http.get("/api/v1/clients")  # warm the session
    with CaptureQueriesContext(connection) as five:
        assert len(http.get("/api/v1/clients").json()["items"]) == 5
    baseline = len(five)  # read now: the next request clears the log
    # when there are 40
    add_clients(35)
    # then listing them takes no more queries
    with django_assert_max_num_queries(baseline):
        assert len(http.get("/api/v1/clients").json()["items"]) == 40


# --- reading one ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        (Role.THERAPIST, "team", 200),
        (Role.THERAPIST, "other", 404),
        (Role.MEDICAL_PROVIDER, "team", 200),
        (Role.MEDICAL_PROVIDER, "other", 404),
        (Role.MONITOR, "team", 200),
        (Role.MONITOR, "other", 404),
        (Role.FRONT_DESK, "team", 200),
        (Role.FRONT_DESK, "other", 200),
        (Role.PRIVACY_OFFICER, "team", 200),
        (Role.PRIVACY_OFFICER, "other", 200),
    ],
)
def test_get_client_by_role_and_care_team(
    signed_in: SignedIn,
    staff: Staff,
    team_client: Client,
    other_client: Client,
    role: Role,
    target: str,
    status: int,
) -> None:
    client = team_client if target == "team" else other_client
    http = signed_in(role)
    mark = audit_mark()
    # when the role asks for the client
    response = http.get(f"/api/v1/clients/{client.pk}")
    # then it is shown (and the read audited) or refused as not found (and the refusal audited)
    assert response.status_code == status
    actor_id = staff[role].user_id
    if status == 200:
        # the privacy officer gets no stage (issue 12, finding 6: it is clinical data)
        stage = {"stage": None} if role == Role.PRIVACY_OFFICER else {}
        assert response.json() == {**client_json(client), **stage}
        assert audit_since(mark) == [
            ("read", "demographics", client.pk, actor_id, "success", "api:get_client")
        ]
    else:
        assert response.json() == NOT_FOUND
        assert audit_since(mark) == [
            ("denied", "demographics", client.pk, actor_id, "denied", "read:api:get_client")
        ]


def test_unknown_and_foreign_clients_look_like_forbidden_ones(
    signed_in: SignedIn, staff: Staff, other_client: Client, foreign_client: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    unknown = foreign_client.pk + 1000
    mark = audit_mark()
    # when front desk asks for a missing client and another practice's client
    missing = http.get(f"/api/v1/clients/{unknown}")
    foreign = http.get(f"/api/v1/clients/{foreign_client.pk}")
    # then both answer the same 404, and both refusals are audited
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
    assert (foreign.status_code, foreign.json()) == (404, NOT_FOUND)
    actor_id = staff[Role.FRONT_DESK].user_id
    assert audit_since(mark) == [
        ("denied", "demographics", unknown, actor_id, "denied", "read:api:get_client"),
        ("denied", "demographics", foreign_client.pk, actor_id, "denied", "read:api:get_client"),
    ]


@pytest.mark.parametrize("client_id", [MAX_ID + 1, 2**70, 10**40])
def test_ids_beyond_bigint_are_not_found(signed_in: SignedIn, staff: Staff, client_id: int) -> None:
    http = signed_in(Role.FRONT_DESK)
    mark = audit_mark()
    read = http.get(f"/api/v1/clients/{client_id}")
    patch = http.patch(f"/api/v1/clients/{client_id}", {}, content_type="application/json")
    assert (read.status_code, read.json()) == (404, NOT_FOUND)
    assert (patch.status_code, patch.json()) == (404, NOT_FOUND)
    actor_id = staff[Role.FRONT_DESK].user_id
    assert audit_since(mark) == [
        ("denied", "demographics", None, actor_id, "denied", "read:api:get_client"),
        ("denied", "demographics", None, actor_id, "denied", "update"),
    ]


@pytest.mark.parametrize("path", ["/api/v1/clients/0", "/api/v1/clients/-1", "/api/v1/clients/x"])
def test_ids_that_are_not_positive_numbers_are_not_found(signed_in: SignedIn, path: str) -> None:
    response = signed_in(Role.FRONT_DESK).get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# --- creating ------------------------------------------------------------------


def test_front_desk_creates_client_with_care_team(
    signed_in: SignedIn, staff: Staff, practice: Practice
) -> None:
    therapist, provider = staff[Role.THERAPIST], staff[Role.MEDICAL_PROVIDER]
    http = signed_in(Role.FRONT_DESK)
    mark = audit_mark()
    # when front desk creates a client with a therapist and a medical provider
    response = http.post(
        "/api/v1/clients",
        new_client_body(care_team=[therapist.pk, provider.pk], pronouns="they/them"),
        content_type="application/json",
    )
    # then it answers 201 with the client, as GET would show it
    assert response.status_code == 201
    client = Client.objects.get()
    assert response.json() == client_json(client)
    assert (client.practice_id, client.legal_given_name, client.legal_family_name) == (
        practice.pk,
        "Rowan",
        "Testperson",
    )
    assert (client.date_of_birth, client.email, client.phone, client.home_state) == (
        dt.date(1988, 4, 12),
        "rowan@example.com",
        "+1 610 555 0100",
        "PA",
    )
    assert (client.pronouns, client.status) == ("they/them", "active")
    assert stage_of(client.pk) is PathwayStage.CONSULTATION
    # and the care team holds both, each in their clinical role
    assert sorted(client.care_team.values_list("staff_id", "role")) == sorted(
        [(therapist.pk, "therapist"), (provider.pk, "medical_provider")]
    )
    # and the creation is audited
    assert audit_since(mark) == [
        ("create", "demographics", client.pk, staff[Role.FRONT_DESK].user_id, "success", "client")
    ]


def test_clinician_who_creates_a_client_joins_its_care_team(
    signed_in: SignedIn, staff: Staff
) -> None:
    http = signed_in(Role.THERAPIST)
    created = http.post("/api/v1/clients", new_client_body(), content_type="application/json")
    assert created.status_code == 201
    client_id = created.json()["id"]
    assert created.json()["care_team"] == [
        {"staff": staff[Role.THERAPIST].pk, "name": "Test Therapist", "role": "therapist"}
    ]
    assert http.get(f"/api/v1/clients/{client_id}").status_code == 200


@pytest.mark.parametrize("role", [Role.MONITOR, Role.PRIVACY_OFFICER])
def test_roles_that_may_not_create_clients_are_refused(
    signed_in: SignedIn, role: Role, staff: Staff
) -> None:
    http = signed_in(role)
    mark = audit_mark()
    response = http.post("/api/v1/clients", new_client_body(), content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this change."}
    assert Client.objects.count() == 0
    assert audit_since(mark) == [
        ("denied", "demographics", None, staff[role].user_id, "denied", "create:client")
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Robert'); DROP TABLE people_client;--",
        "<script>alert('x')</script>",
        'O\'Brien & <b>Sons</b> "quoted"',
        "Zoë Ñúñez-Łukasz 山田",
    ],
)
def test_sql_and_html_in_names_are_stored_and_returned_verbatim(
    signed_in: SignedIn, name: str
) -> None:
    http = signed_in(Role.FRONT_DESK)
    response = http.post(
        "/api/v1/clients",
        new_client_body(given_name=name, family_name=name),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    client = Client.objects.get()
    assert (client.legal_given_name, client.legal_family_name) == (name, name)
    fetched = http.get(f"/api/v1/clients/{client.pk}").json()
    assert (fetched["given_name"], fetched["family_name"]) == (name, name)
    # and the tables are all still there
    assert Client.objects.count() == 1


def test_names_have_runs_of_whitespace_collapsed(signed_in: SignedIn) -> None:
    response = signed_in(Role.FRONT_DESK).post(
        "/api/v1/clients",
        new_client_body(given_name="  Mary \t Ann ", family_name="Lee\n"),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["given_name"], response.json()["family_name"]) == ("Mary Ann", "Lee")


def test_email_may_be_left_empty(signed_in: SignedIn) -> None:
    response = signed_in(Role.FRONT_DESK).post(
        "/api/v1/clients", new_client_body(email="", phone=None), content_type="application/json"
    )
    assert response.status_code == 201
    assert (response.json()["email"], response.json()["phone"]) == ("", "")


# --- updating ------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST, Role.MEDICAL_PROVIDER])
def test_permitted_roles_update_demographics(
    signed_in: SignedIn, staff: Staff, team_client: Client, role: Role
) -> None:
    http = signed_in(role)
    mark = audit_mark()
    # when the role changes the phone and family name
    response = http.patch(
        f"/api/v1/clients/{team_client.pk}",
        {"phone": "215-555-0199", "family_name": "Newname"},
        content_type="application/json",
    )
    # then the change is saved, answered and audited (fields named, values not)
    assert response.status_code == 200
    assert response.json() == client_json(team_client)
    assert (team_client.phone, team_client.legal_family_name) == ("215-555-0199", "Newname")
    assert audit_since(mark) == [
        (
            "update",
            "demographics",
            team_client.pk,
            staff[role].user_id,
            "success",
            "client:legal_family_name,phone",
        )
    ]


def test_patch_changes_only_the_fields_sent(signed_in: SignedIn, team_client: Client) -> None:
    before = client_json(team_client)
    response = signed_in(Role.FRONT_DESK).patch(
        f"/api/v1/clients/{team_client.pk}",
        {"status": "paused"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {**before, "status": "paused"}


def test_patch_null_clears_optional_fields(signed_in: SignedIn, team_client: Client) -> None:
    team_client.preferred_name = "Sunny"
    team_client.save()
    response = signed_in(Role.FRONT_DESK).patch(
        f"/api/v1/clients/{team_client.pk}",
        {"email": None, "preferred_name": None},
        content_type="application/json",
    )
    assert response.status_code == 200
    team_client.refresh_from_db()
    assert (team_client.email, team_client.preferred_name) == ("", "")


@pytest.mark.parametrize(
    "field", ["given_name", "family_name", "date_of_birth", "home_state", "status"]
)
def test_patch_null_on_a_required_field_is_refused(
    signed_in: SignedIn, team_client: Client, field: str
) -> None:
    before = client_json(team_client)
    response = signed_in(Role.FRONT_DESK).patch(
        f"/api/v1/clients/{team_client.pk}", {field: None}, content_type="application/json"
    )
    message = "This field cannot be cleared: send a value or leave it out."
    assert response.status_code == 422
    assert response.json() == {
        "detail": f"{field}: {message}",
        "errors": [{"field": field, "message": message}],
    }
    assert client_json(team_client) == before


def test_therapist_off_the_care_team_cannot_update_and_is_audited(
    signed_in: SignedIn, staff: Staff, other_client: Client
) -> None:
    before = client_json(other_client)
    http = signed_in(Role.THERAPIST)
    mark = audit_mark()
    response = http.patch(
        f"/api/v1/clients/{other_client.pk}",
        {"phone": "000"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client_json(other_client) == before
    assert audit_since(mark) == [
        (
            "denied",
            "demographics",
            other_client.pk,
            staff[Role.THERAPIST].user_id,
            "denied",
            "update",
        )
    ]


@pytest.mark.parametrize("role", [Role.MONITOR, Role.PRIVACY_OFFICER])
def test_roles_that_see_but_may_not_edit_are_refused_and_audited(
    signed_in: SignedIn, staff: Staff, team_client: Client, role: Role
) -> None:
    before = client_json(team_client)
    http = signed_in(role)
    mark = audit_mark()
    response = http.patch(
        f"/api/v1/clients/{team_client.pk}", {"phone": "000"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this change."}
    assert client_json(team_client) == before
    assert audit_since(mark) == [
        ("denied", "demographics", team_client.pk, staff[role].user_id, "denied", "update:client")
    ]


def test_foreign_client_cannot_be_updated(signed_in: SignedIn, foreign_client: Client) -> None:
    before = client_json(foreign_client)
    response = signed_in(Role.FRONT_DESK).patch(
        f"/api/v1/clients/{foreign_client.pk}", {"phone": "1"}, content_type="application/json"
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client_json(foreign_client) == before


def test_care_team_is_not_changed_through_patch(
    signed_in: SignedIn, staff: Staff, team_client: Client
) -> None:
    before = set(CareTeamMember.objects.filter(client=team_client).values_list("staff_id"))
    response = signed_in(Role.FRONT_DESK).patch(
        f"/api/v1/clients/{team_client.pk}",
        {"care_team": [staff[Role.FRONT_DESK].pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    after = set(CareTeamMember.objects.filter(client=team_client).values_list("staff_id"))
    assert after == before


def test_staff_of_another_practice_cannot_join_a_care_team(signed_in: SignedIn, db: None) -> None:
    elsewhere = make_staff(
        practice=make_practice(name="Elsewhere Practice"), roles=[Role.THERAPIST]
    )
    response = signed_in(Role.FRONT_DESK).post(
        "/api/v1/clients",
        new_client_body(care_team=[elsewhere.pk]),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "care_team", "message": f"No active staff member with id {elsewhere.pk}."}
    ]
    assert Client.objects.count() == 0
