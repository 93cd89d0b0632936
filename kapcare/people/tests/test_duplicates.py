"""A client who is probably already on file: refused (409) unless the caller confirms.

Same legal name (case and spaces aside) and date of birth in one practice (issue 9).
"""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.tests.test_api_clients import audit_mark, audit_since, new_client_body
from tests.factories import make_care_team_member, make_client, make_practice

SignedIn = Callable[[Role], HttpClient]
Staff = dict[Role, StaffMember]

MESSAGE = (
    "A client with this legal name and date of birth is already on file. Open that record, "
    "or confirm that this is a different person."
)


@pytest.fixture
def on_file(practice: Practice) -> Client:
    """Rowan Testperson, born 12 Apr 1988: new_client_body()'s person."""
    return make_client(
        practice=practice,
        legal_given_name="Rowan",
        legal_family_name="Testperson",
        date_of_birth=dt.date(1988, 4, 12),
    )


def _post(http: HttpClient, **overrides: object) -> object:
    return http.post(
        "/api/v1/clients", new_client_body(**overrides), content_type="application/json"
    )


def test_the_api_refuses_a_likely_duplicate_with_409_and_the_id_on_file(
    signed_in: SignedIn, staff: Staff, on_file: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    mark = audit_mark()

    # when the same person is added again, the name typed differently
    response = _post(http, given_name="  rowan ", family_name="TESTPERSON")

    # then nothing is added and the answer names the record on file, and only its id
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert response.json() == {  # type: ignore[attr-defined]
        "detail": MESSAGE,
        "existing_id": on_file.pk,
        "existing_ids": [on_file.pk],
        "confirm_with": {"confirm_duplicate": True},
    }
    assert Client.objects.count() == 1
    # and the caller learning the record exists is in its audit trail
    assert audit_since(mark) == [
        (
            "create",
            "demographics",
            on_file.pk,
            staff[Role.FRONT_DESK].user_id,
            "failure",
            "client:possible_duplicate",
        )
    ]


def test_confirming_a_different_person_adds_the_client(
    signed_in: SignedIn, staff: Staff, on_file: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)
    mark = audit_mark()

    response = _post(http, confirm_duplicate=True)

    assert response.status_code == 201  # type: ignore[attr-defined]
    added = Client.objects.exclude(pk=on_file.pk).get()
    assert response.json()["id"] == added.pk  # type: ignore[attr-defined]
    assert audit_since(mark) == [
        (
            "create",
            "demographics",
            added.pk,
            staff[Role.FRONT_DESK].user_id,
            "success",
            "client:confirmed_different_person",
        )
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {"date_of_birth": "1988-04-13"},
        {"given_name": "Robin"},
        {"family_name": "Testpersson"},
    ],
)
def test_another_name_or_birth_date_is_another_client(
    signed_in: SignedIn, on_file: Client, overrides: dict[str, object]
) -> None:
    response = _post(signed_in(Role.FRONT_DESK), **overrides)

    assert response.status_code == 201  # type: ignore[attr-defined]


def test_a_namesake_in_another_practice_is_not_a_duplicate(signed_in: SignedIn) -> None:
    make_client(
        practice=make_practice(name="Elsewhere"),
        legal_given_name="Rowan",
        legal_family_name="Testperson",
        date_of_birth=dt.date(1988, 4, 12),
    )

    response = _post(signed_in(Role.FRONT_DESK))

    assert response.status_code == 201  # type: ignore[attr-defined]


def test_every_copy_on_file_is_listed_oldest_first(
    signed_in: SignedIn, on_file: Client, practice: Practice
) -> None:
    http = signed_in(Role.FRONT_DESK)
    assert _post(http, confirm_duplicate=True).status_code == 201  # type: ignore[attr-defined]
    second = Client.objects.exclude(pk=on_file.pk).get()

    response = _post(http)

    assert response.status_code == 409  # type: ignore[attr-defined]
    assert response.json()["existing_ids"] == [on_file.pk, second.pk]  # type: ignore[attr-defined]


def test_the_409_is_documented(signed_in: SignedIn) -> None:
    schema = signed_in(Role.FRONT_DESK).get("/api/v1/openapi.json").json()
    create = schema["paths"]["/api/v1/clients"]["post"]

    conflict = create["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict == {"$ref": "#/components/schemas/PossibleDuplicateOut"}
    body = schema["components"]["schemas"]["ClientIn"]["properties"]
    assert body["confirm_duplicate"]["type"] == "boolean"


# --- the page -----------------------------------------------------------------

FORM = {
    "legal_given_name": "Rowan",
    "legal_family_name": "Testperson",
    "date_of_birth": "1988-04-12",
    "home_state": "PA",
    "status": "active",
}


def test_the_page_warns_next_to_the_name_and_asks_for_confirmation(
    signed_in: SignedIn, on_file: Client
) -> None:
    http = signed_in(Role.FRONT_DESK)

    # when front desk adds the person again
    response = http.post("/clients/new/", FORM)

    # then the page says so next to the confirmation box, links the record on file
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="id_confirm_duplicate_error"' in html
    assert "already on file" in html
    assert f'href="/clients/{on_file.pk}/profile/"' in html
    assert "This is a different person" in html
    assert Client.objects.count() == 1

    # and ticking "this is a different person" adds them
    added = http.post("/clients/new/", {**FORM, "confirm_duplicate": "on"})
    assert added.status_code == 302
    assert Client.objects.count() == 2


def test_the_box_is_not_offered_before_a_duplicate_is_found(signed_in: SignedIn) -> None:
    html = signed_in(Role.FRONT_DESK).get("/clients/new/").content.decode()

    assert "confirm_duplicate" not in html


def test_a_clinician_is_not_linked_to_a_record_they_may_not_open(
    signed_in: SignedIn, staff: Staff, on_file: Client, practice: Practice
) -> None:
    # Given a record on file whose care team the therapist is not on
    http = signed_in(Role.THERAPIST)

    response = http.post("/clients/new/", FORM)

    html = response.content.decode()
    assert response.status_code == 409
    assert f"/clients/{on_file.pk}/" not in html
    assert "not on your list" in html

    # and once on its care team, they are
    make_care_team_member(client=on_file, staff=staff[Role.THERAPIST], role=Role.THERAPIST)
    html = http.post("/clients/new/", FORM).content.decode()
    assert f'href="/clients/{on_file.pk}/profile/"' in html
