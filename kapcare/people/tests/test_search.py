"""Client search on the home page and the API: by name, date of birth, phone or e-mail,
within the clients the person may see, each client listed audited."""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.people.models import Client, Practice
from kapcare.people.policy import Role
from tests.factories import make_client

SignedIn = Callable[[Role], HttpClient]


def _clients(practice: Practice) -> tuple[Client, Client]:
    ada = make_client(
        practice=practice,
        legal_given_name="Ada",
        legal_family_name="Lane",
        date_of_birth=dt.date(1990, 3, 4),
        phone="(610) 555-0123",
        email="ada.lane@example.org",
    )
    bea = make_client(
        practice=practice,
        legal_given_name="Bea",
        legal_family_name="Lane",
        date_of_birth=dt.date(1985, 7, 9),
        phone="215.555.0199",
        email="bea@example.net",
    )
    return ada, bea


def test_the_home_page_finds_a_client_by_birth_phone_or_email(
    signed_in: SignedIn, practice: Practice
) -> None:
    ada, bea = _clients(practice)
    http = signed_in(Role.FRONT_DESK)

    def listed(query: str) -> list[str]:
        html = http.get("/", {"q": query}).content.decode()
        return re.findall(r'href="/clients/\d+/profile/">([^<]+)</a>', html)

    assert listed("1990-03-04") == [ada.display_name]
    assert listed("07/09/1985") == [bea.display_name]
    assert listed("lane 07/09/1985") == [bea.display_name]
    assert listed("6105550123") == [ada.display_name]
    assert listed("555-01") == [ada.display_name, bea.display_name]
    assert listed("(215) 555 0199") == [bea.display_name]
    assert listed("ADA.LANE@example") == [ada.display_name]
    assert listed("@example.net") == [bea.display_name]
    assert listed("1990-02-31") == []


def test_the_search_stays_within_the_care_team_and_audits_what_it_lists(
    signed_in: SignedIn, practice: Practice, team_client: Client
) -> None:
    ada, _ = _clients(practice)  # on nobody's care team
    team_client.phone = "610-555-0123"
    team_client.save()
    http = signed_in(Role.THERAPIST)
    before = AuditEvent.objects.count()

    html = http.get("/", {"q": "6105550123"}).content.decode()

    assert team_client.display_name in html
    assert ada.display_name not in html
    reads = AuditEvent.objects.order_by("id")[before:]
    assert [(e.action, e.client_id, e.detail) for e in reads] == [
        (AuditAction.READ.value, team_client.pk, "page:home")
    ]


def test_the_api_finds_a_client_by_birth_phone_or_email(
    signed_in: SignedIn, practice: Practice
) -> None:
    ada, bea = _clients(practice)
    http = signed_in(Role.FRONT_DESK)

    def ids(query: str) -> list[int]:
        response = http.get("/api/v1/clients", {"q": query})
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids("03/04/1990") == [ada.pk]
    assert ids("215 555 0199") == [bea.pk]
    assert ids("bea@example.net") == [bea.pk]
    assert ids("lane") == [ada.pk, bea.pk]


TRIGRAM_INDEXES = [
    "people_client_legal_given_name_trgm",
    "people_client_legal_family_name_trgm",
    "people_client_preferred_name_trgm",
    "people_client_email_trgm",
    "people_client_phone_digits_trgm",
]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's"
)
def test_clients_added_go_straight_into_the_search_indexes(practice: Practice) -> None:
    # given clients added in a batch (as an import or a generated practice adds them)
    Client.objects.bulk_create(
        Client(
            practice=practice,
            legal_given_name=f"Given{n}",
            legal_family_name=f"Family{n}",
            date_of_birth=dt.date(1980, 1, 1),
            email=f"client{n}@example.org",
            home_state="PA",
        )
        for n in range(50)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [TRIGRAM_INDEXES]
        )
        options = dict(cursor.fetchall())
        cursor.execute(
            "SELECT sum(gin_clean_pending_list(name::regclass)) FROM unnest(%s::text[]) AS name",
            [TRIGRAM_INDEXES],
        )
        (pending_pages,) = cursor.fetchone()
    # then the trigram indexes hold them in their tree, with no pending list that every
    # search would read through (people migration 0010)
    assert options == {name: ["fastupdate=off"] for name in TRIGRAM_INDEXES}
    assert pending_pages == 0
