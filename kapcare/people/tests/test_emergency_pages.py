"""Emergency access on the pages: offered on the "not found" page of an off-team record,
the request form, the banner on every page of the record while it lasts, the privacy
officer's notice and review list."""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core import clock
from kapcare.people.models import Client, EmergencyAccess, Practice, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_client, make_emergency_access, make_staff

pytestmark = pytest.mark.django_db

SignedIn = Callable[[Role], HttpClient]
REASON = "Client called in crisis; their therapist is away."


def _request_url(client: Client) -> str:
    return f"/clients/{client.pk}/emergency-access/"


def _names(client: Client) -> list[str]:
    return [client.legal_given_name, client.legal_family_name]


def test_the_not_found_page_of_an_off_team_record_offers_emergency_access(
    signed_in: SignedIn, other_client: Client
) -> None:
    response = signed_in(Role.THERAPIST).get(f"/clients/{other_client.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f'href="{_request_url(other_client)}"' in page
    assert "Emergency access" in page
    for name in _names(other_client):
        assert name not in page


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_practice_wide_roles_are_not_offered_it(
    signed_in: SignedIn, other_client: Client, role: Role
) -> None:
    response = signed_in(role).get(f"/clients/{other_client.pk}/")
    assert response.status_code == 404
    assert "Is this an emergency?" not in response.content.decode()
    assert _request_url(other_client) not in response.content.decode()
    assert signed_in(role).get(_request_url(other_client)).status_code == 404


def test_a_page_that_names_no_client_offers_nothing(signed_in: SignedIn) -> None:
    response = signed_in(Role.THERAPIST).get("/no-such-page/")
    assert response.status_code == 404
    assert "Is this an emergency?" not in response.content.decode()


def test_the_request_page_names_no_client_and_says_the_time_box(
    signed_in: SignedIn, other_client: Client, practice: Practice
) -> None:
    Practice.objects.filter(pk=practice.pk).update(emergency_access_hours=2)
    response = signed_in(Role.THERAPIST).get(_request_url(other_client))
    assert response.status_code == 200
    page = response.content.decode()
    assert "lasts 2 hours" in page
    assert "privacy officer is told at once" in page
    for name in _names(other_client):
        assert name not in page


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Say why you need this record now."), ("crisis\x07", "control character")],
)
def test_a_missing_or_unclean_reason_is_a_field_error(
    signed_in: SignedIn, other_client: Client, reason: str, message: str
) -> None:
    response = signed_in(Role.THERAPIST).post(_request_url(other_client), {"reason": reason})
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'id="id_reason_error"' in page
    assert not EmergencyAccess.objects.exists()


def test_asking_opens_the_chart_with_a_banner_saying_when_it_ends(
    signed_in: SignedIn, other_client: Client, team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    response = http.post(_request_url(other_client), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{other_client.pk}/"
    access = EmergencyAccess.objects.get()
    assert access.reason == REASON

    mark = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    for path in (f"/clients/{other_client.pk}/", f"/clients/{other_client.pk}/profile/"):
        page = http.get(path)
        assert page.status_code == 200, path
        banner = re.search(
            r'<div class="emergency-banner"[^>]*>(.*?)</div>', page.content.decode(), re.S
        )
        assert banner is not None, path
        assert "Your access ends" in banner.group(1)
        assert re.search(r"\w{3} \d{1,2} \w{3} \d{4}, \d{1,2}:\d{2} [ap]m", banner.group(1))
    reads = AuditEvent.objects.filter(seq__gt=mark, client_id=other_client.pk)
    assert reads.exists()
    assert set(reads.values_list("action", flat=True)) == {AuditAction.EMERGENCY}

    # The therapist's own client: no banner, ordinary reads.
    own = http.get(f"/clients/{team_client.pk}/").content.decode()
    assert "emergency-banner" not in own
    # Asking again goes straight to the chart.
    assert http.get(_request_url(other_client))["Location"] == f"/clients/{other_client.pk}/"


def test_after_the_time_box_the_record_is_closed_again(
    signed_in: SignedIn, other_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = signed_in(Role.THERAPIST)
    http.post(_request_url(other_client), {"reason": REASON})
    ends_at = EmergencyAccess.objects.get().ends_at
    monkeypatch.setattr("kapcare.core.clock.now", lambda: ends_at + dt.timedelta(seconds=1))
    assert http.get(f"/clients/{other_client.pk}/").status_code == 404
    # and it can be asked for again
    assert http.get(_request_url(other_client)).status_code == 200


def test_the_privacy_officer_is_told_on_the_home_page(
    signed_in: SignedIn, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    make_emergency_access(client=other_client, staff=staff[Role.THERAPIST])
    page = signed_in(Role.PRIVACY_OFFICER).get("/").content.decode()
    assert "1 emergency access to review" in page
    assert 'href="/emergency-access/"' in page
    assert "to review" not in signed_in(Role.THERAPIST).get("/").content.decode()


def test_the_review_list_shows_who_which_client_why_when_and_what_was_read(
    signed_in: SignedIn, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    therapist.post(_request_url(other_client), {"reason": REASON})
    therapist.get(f"/clients/{other_client.pk}/")

    response = signed_in(Role.PRIVACY_OFFICER).get("/emergency-access/")
    assert response.status_code == 200
    page = response.content.decode()
    assert staff[Role.THERAPIST].user.full_name in page
    assert other_client.display_name in page
    assert REASON.replace("'", "&#x27;") in page
    assert "Opened: the client&#x27;s safety flags, on the chart page" in page
    assert "Mark as reviewed" in page


def test_marking_reviewed_keeps_the_note_and_moves_it_off_the_to_review_list(
    signed_in: SignedIn, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    access = make_emergency_access(client=other_client, staff=staff[Role.THERAPIST])
    http = signed_in(Role.PRIVACY_OFFICER)
    response = http.post(
        f"/emergency-access/{access.pk}/review/",
        {f"access-{access.pk}-note": "Confirmed with the care team."},
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == staff[Role.PRIVACY_OFFICER]
    assert access.review_note == "Confirmed with the care team."
    assert "No emergency accesses to review." in http.get("/emergency-access/").content.decode()
    everything = http.get("/emergency-access/?show=all").content.decode()
    assert "Reviewed by" in everything
    assert "Confirmed with the care team." in everything


def test_a_bad_review_note_is_shown_on_its_form_and_saves_nothing(
    signed_in: SignedIn, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    access = make_emergency_access(client=other_client, staff=staff[Role.THERAPIST])
    response = signed_in(Role.PRIVACY_OFFICER).post(
        f"/emergency-access/{access.pk}/review/", {f"access-{access.pk}-note": "ok\x00"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "control character" in page
    assert f'id="id_access-{access.pk}-note_error"' in page
    access.refresh_from_db()
    assert access.reviewed_at is None


def test_reviewing_twice_says_so(
    signed_in: SignedIn, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    access = make_emergency_access(
        client=other_client,
        staff=staff[Role.THERAPIST],
        reviewed_at=clock.now(),
        reviewed_by=staff[Role.PRIVACY_OFFICER],
    )
    response = signed_in(Role.PRIVACY_OFFICER).post(f"/emergency-access/{access.pk}/review/", {})
    assert response.status_code == 422
    assert "reviewed already" in response.content.decode()


def test_the_review_list_costs_the_same_queries_however_many_accesses(
    signed_in: SignedIn,
    practice: Practice,
    staff: dict[Role, StaffMember],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            make_emergency_access(
                client=make_client(practice=practice),
                staff=make_staff(practice=practice, roles=[Role.THERAPIST]),
            )

    http = signed_in(Role.PRIVACY_OFFICER)
    add(1)
    with CaptureQueriesContext(connection) as few:
        assert http.get("/emergency-access/").status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few)):
        page = http.get("/emergency-access/").content.decode()
    assert page.count('class="card emergency-access"') == 11
