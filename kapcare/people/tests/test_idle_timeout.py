"""Automatic log-off (issue 12, ONC 170.315(d)(5)): the server signs a person out after the
practice's idle limit or the absolute limit, with no script involved."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.accounts import session_clock
from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.tests.fixtures import portal_user_of

SignedIn = Callable[[Role], HttpClient]


class WallClock:
    """Moves the session clock (``session_clock.wall_seconds``) on by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1_900_000_000.0
        monkeypatch.setattr(session_clock, "wall_seconds", lambda: self.now)

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> WallClock:
    return WallClock(monkeypatch)


def _sign_outs(user_id: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor_id=user_id, action=AuditAction.LOGOUT)
        .order_by("seq")
        .values_list("detail", flat=True)
    )


def test_a_page_after_the_idle_limit_signs_out_and_leads_back(
    wall: WallClock, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    assert http.get("/practice/").status_code == 200
    # when 15 minutes and a second pass without a request
    wall.advance(15 + 1 / 60)
    response = http.get("/practice/?x=1")
    # then the page leads to the sign-in and back, the session is gone, and it is audited
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=%2Fpractice%2F%3Fx%3D1"
    assert http.get("/practice/").status_code == 302
    assert _sign_outs(staff[Role.THERAPIST].user_id) == ["sign-out: idle"]


def test_the_sign_in_page_says_why(
    wall: WallClock, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.FRONT_DESK)
    wall.advance(16)
    page = http.get("/", follow=True).content.decode()
    assert "You were signed out after 15 minutes without activity." in page


def test_activity_keeps_the_session(
    wall: WallClock, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    # a request every ten minutes for an hour
    for _ in range(6):
        wall.advance(10)
        assert http.get("/practice/").status_code == 200
    assert _sign_outs(staff[Role.THERAPIST].user_id) == []


def test_the_practice_sets_the_limit(
    wall: WallClock, signed_in: SignedIn, practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    Practice.objects.filter(pk=practice.pk).update(idle_timeout_minutes=5)
    http = signed_in(Role.THERAPIST)
    wall.advance(4)
    assert http.get("/practice/").status_code == 200
    wall.advance(5.5)
    assert http.get("/practice/").status_code == 302


def test_the_api_answers_401_after_the_idle_limit(
    wall: WallClock, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.FRONT_DESK)
    assert http.get("/api/v1/clients").status_code == 200
    wall.advance(20)
    response = http.get("/api/v1/clients")
    assert response.status_code == 401
    assert response.json()["detail"] == "You were signed out after 15 minutes without activity."


def test_the_absolute_limit_holds_even_with_activity(
    wall: WallClock, signed_in: SignedIn, staff: dict[Role, StaffMember], settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 3600
    http = signed_in(Role.THERAPIST)
    for _ in range(5):
        wall.advance(10)
        assert http.get("/practice/").status_code == 200
    wall.advance(11)  # 61 minutes since the sign-in, 11 since the last page
    assert http.get("/practice/").status_code == 302
    assert _sign_outs(staff[Role.THERAPIST].user_id) == ["sign-out: session limit"]


def test_asking_how_long_is_left_is_not_activity(
    wall: WallClock, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    wall.advance(10)
    status = http.get("/accounts/session/")
    assert status.json() == {"signed_in": True, "seconds_left": 300, "warn_before": 120}
    wall.advance(6)
    gone = http.get("/accounts/session/")
    assert gone.json() == {
        "detail": "You were signed out after 15 minutes without activity.",
        "signed_in": False,
    }
    assert http.get("/practice/").status_code == 302


def test_saying_i_am_here_resets_the_timer(
    wall: WallClock, signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.THERAPIST)
    wall.advance(14)
    assert http.post("/accounts/session/").json()["seconds_left"] == 900
    wall.advance(14)
    assert http.get("/practice/").status_code == 200


def test_pages_carry_the_warning_dialog(
    signed_in: SignedIn, staff: dict[Role, StaffMember]
) -> None:
    page = signed_in(Role.THERAPIST).get("/practice/").content.decode()
    assert 'data-idle-seconds="900"' in page
    assert "kapcare/idle-timeout.js" in page


def test_the_status_asks_anonymous_callers_to_sign_in(client: HttpClient, db: None) -> None:
    response = client.get("/accounts/session/")
    assert response.status_code == 200
    assert response.json() == {"detail": "Not signed in.", "signed_in": False}


def test_a_portal_client_is_signed_out_too(
    wall: WallClock, client: HttpClient, team_client: Client
) -> None:
    user = portal_user_of(team_client)
    client.force_login(user)
    assert client.get("/portal/").status_code == 200
    wall.advance(16)
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    assert _sign_outs(user.pk) == ["sign-out: idle"]
