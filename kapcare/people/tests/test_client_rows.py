"""The client list answers its rows as ``ClientOut`` would, byte for byte.

``people.client_rows`` builds the rows from database values rather than through the
schema (issue 14); these tests hold it to the schema: the body is what ninja renders for
``Page[ClientOut]`` made of ``ClientOut.of`` of the same records, with the stage for a
role that sees it and null for one that does not, care teams of several and of none,
and optional fields both empty and filled.
"""

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client as HttpClient
from ninja.responses import NinjaJSONEncoder

from kapcare.core.pagination import Page
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.schemas import ClientOut
from kapcare.people.stage_query import stage_of
from tests.factories import make_care_team_member, make_clearance, make_client

pytestmark = pytest.mark.django_db

SignedIn = Callable[[Role], HttpClient]


def _as_ninja_renders(clients: list[Client], count: int, *, shows_stage: bool) -> bytes:
    """The body ninja answers for these clients through the declared schema."""
    items = []
    for client in clients:
        client.refresh_from_db()
        items.append(ClientOut.of(client, stage=stage_of(client.pk) if shows_stage else None))
    page = Page[ClientOut](items=items, count=count)
    return json.dumps(page.model_dump(), cls=NinjaJSONEncoder).encode()


@pytest.fixture
def listed(practice: Practice, staff: dict[Role, StaffMember]) -> list[Client]:
    """Three clients of the practice in list order (family name): one with a team of
    three and a clearance (stage: planning), one with every optional field filled and a
    team of one, one with no team."""
    planned = make_client(practice=practice, legal_family_name="Avery", preferred_name="")
    for role in (Role.MONITOR, Role.THERAPIST, Role.MEDICAL_PROVIDER):
        make_care_team_member(client=planned, staff=staff[role], role=role)
    make_clearance(client=planned)
    filled = make_client(
        practice=practice,
        legal_family_name="Brook",
        preferred_name="Bee",
        pronouns="they/them",
        email="bee@example.org",
        phone="(610) 555-0100",
        emergency_contact_name="Sam Brook",
        emergency_contact_relationship="sibling",
        emergency_contact_phone="610 555 0101",
        date_of_birth=dt.date(1979, 2, 3),
    )
    make_care_team_member(client=filled, staff=staff[Role.THERAPIST], role=Role.THERAPIST)
    alone = make_client(practice=practice, legal_family_name="Cole")
    return [planned, filled, alone]


@pytest.mark.parametrize(
    ("role", "shows_stage"), [(Role.FRONT_DESK, True), (Role.PRIVACY_OFFICER, False)]
)
def test_the_list_answers_what_the_schema_would(
    signed_in: SignedIn, listed: list[Client], role: Role, shows_stage: bool
) -> None:
    # when the practice's clients are listed, whole and in pages
    http = signed_in(role)
    whole = http.get("/api/v1/clients", {"limit": 200})
    first_two = http.get("/api/v1/clients", {"limit": 2})
    last_one = http.get("/api/v1/clients", {"limit": 2, "offset": 2})
    # then each body is, byte for byte, the schema's rendering of the same records
    assert whole.status_code == 200
    assert whole["Content-Type"] == "application/json; charset=utf-8"
    assert whole.content == _as_ninja_renders(listed, 3, shows_stage=shows_stage)
    assert first_two.content == _as_ninja_renders(listed[:2], 3, shows_stage=shows_stage)
    assert last_one.content == _as_ninja_renders(listed[2:], 3, shows_stage=shows_stage)


def test_a_stage_filter_lists_what_the_schema_would(
    signed_in: SignedIn, listed: list[Client]
) -> None:
    response = signed_in(Role.FRONT_DESK).get("/api/v1/clients", {"stage": "planning"})

    assert response.content == _as_ninja_renders(listed[:1], 1, shows_stage=True)


def test_a_search_lists_what_the_schema_would(signed_in: SignedIn, listed: list[Client]) -> None:
    response = signed_in(Role.FRONT_DESK).get("/api/v1/clients", {"q": "bee"})

    assert response.content == _as_ninja_renders(listed[1:2], 1, shows_stage=True)
