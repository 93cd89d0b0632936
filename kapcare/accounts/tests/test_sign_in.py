"""Signing in and out, changing the password, and sessions that end."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.utils import timezone

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import TEST_PASSWORD

SIGN_IN = "/accounts/sign-in/"
SIGN_OUT = "/accounts/sign-out/"
PASSWORD = "/accounts/password/"
NEW_PASSWORD = "quiet-harbor-lantern-2031"
WRONG = "That email and password do not match an account. Please try again."


@pytest.fixture
def therapist(staff: dict[Role, StaffMember]) -> User:
    return staff[Role.THERAPIST].user


def _signed_in_user_id(http: HttpClient) -> str | None:
    return http.session.get(SESSION_KEY)


def _logins() -> list[tuple[int | None, str, str]]:
    return [
        (e.actor_id, e.outcome, e.detail)
        for e in AuditEvent.objects.filter(action=AuditAction.LOGIN).order_by("seq")
    ]


# --- Sign in ------------------------------------------------------------------------


def test_sign_in_page_is_open_to_everyone(client: HttpClient, db: None) -> None:
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">Email</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "Sign out" not in html


def test_sign_in_with_email_and_password(client: HttpClient, therapist: User) -> None:
    response = client.post(SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) == str(therapist.pk)
    assert _logins() == [(therapist.pk, AuditOutcome.SUCCESS, "sign-in")]


def test_email_is_not_case_sensitive(client: HttpClient, therapist: User) -> None:
    response = client.post(
        SIGN_IN, {"username": therapist.email.upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(therapist.pk)


def test_wrong_password_is_refused_with_422_and_audited(
    client: HttpClient, therapist: User
) -> None:
    response = client.post(SIGN_IN, {"username": therapist.email, "password": "nope-nope"})
    assert response.status_code == 422
    html = response.content.decode()
    assert WRONG in html
    assert "<title>Error: Sign in" in html
    assert 'value="nope-nope"' not in html  # the password is never echoed back
    assert _signed_in_user_id(client) is None
    assert _logins() == [(therapist.pk, AuditOutcome.FAILURE, "sign-in failed")]


def test_unknown_email_gets_the_same_message(client: HttpClient, db: None) -> None:
    response = client.post(SIGN_IN, {"username": "nobody@example.org", "password": "x" * 12})
    assert response.status_code == 422
    assert WRONG in response.content.decode()
    assert _logins() == [(None, AuditOutcome.FAILURE, "sign-in failed: unknown account")]


def test_inactive_account_cannot_sign_in(client: HttpClient, therapist: User) -> None:
    therapist.is_active = False
    therapist.save(update_fields=["is_active"])
    response = client.post(SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD})
    assert response.status_code == 422
    assert WRONG in response.content.decode()
    assert _signed_in_user_id(client) is None


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Enter your email address.", "Enter your password."]),
        ({"username": "not an email", "password": "x"}, ["in the form name@example.org."]),
        ({"username": "a@example.org"}, ["Enter your password."]),
    ],
)
def test_missing_or_malformed_input_is_explained(
    data: dict[str, str], messages: list[str], client: HttpClient, db: None
) -> None:
    response = client.post(SIGN_IN, data)
    assert response.status_code == 422
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert 'aria-invalid="true"' in html


def test_sign_in_goes_on_to_the_page_asked_for(client: HttpClient, therapist: User) -> None:
    response = client.post(
        SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD, "next": "/practice/"}
    )
    assert response["Location"] == "/practice/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_sign_in_never_redirects_off_site(target: str, client: HttpClient, therapist: User) -> None:
    response = client.post(
        SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_signed_in_person_skips_the_sign_in_page(client: HttpClient, therapist: User) -> None:
    client.force_login(therapist)
    response = client.get(SIGN_IN)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_repeated_failures_pause_the_account(client: HttpClient, therapist: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": therapist.email, "password": "wrong-guess"})
    response = client.post(SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Signing in is paused for this account" in response.content.decode()
    assert _signed_in_user_id(client) is None


def test_login_is_required_for_pages(client: HttpClient, team_client: Client) -> None:
    for path in ("/", "/practice/", f"/clients/{team_client.pk}/", PASSWORD, "/audit/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{SIGN_IN}?next={path}"


def test_sign_in_after_redirect_explains_why(client: HttpClient, db: None) -> None:
    html = client.get(f"{SIGN_IN}?next=/practice/").content.decode()
    assert "Please sign in to continue." in html
    assert 'name="next" value="/practice/"' in html


# --- Sessions -----------------------------------------------------------------------


def test_an_expired_session_goes_back_to_sign_in(
    client: HttpClient, therapist: User, team_client: Client
) -> None:
    client.force_login(therapist)
    assert client.get(f"/clients/{team_client.pk}/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    events_before = AuditEvent.objects.count()

    response = client.get(f"/clients/{team_client.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/clients/{team_client.pk}/"
    assert AuditEvent.objects.count() == events_before  # nothing was read


def test_session_cookie_is_http_only_and_ends_with_the_browser(
    client: HttpClient, therapist: User
) -> None:
    response = client.post(SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["expires"] == ""  # a browser-session cookie
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


# --- Sign out -----------------------------------------------------------------------


def test_sign_out(client: HttpClient, therapist: User) -> None:
    client.post(SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD})

    response = client.post(SIGN_OUT)

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert _signed_in_user_id(client) is None
    assert "You have signed out." in client.get(SIGN_IN).content.decode()
    assert client.get("/").status_code == 302
    [logout] = AuditEvent.objects.filter(action=AuditAction.LOGOUT)
    assert logout.actor_id == therapist.pk


def test_sign_out_needs_a_post(client: HttpClient, therapist: User) -> None:
    client.force_login(therapist)
    assert client.get(SIGN_OUT).status_code == 405
    assert _signed_in_user_id(client) == str(therapist.pk)


def test_sign_out_needs_the_csrf_token(therapist: User) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(therapist)
    response = http.post(SIGN_OUT)
    assert response.status_code == 403
    assert "That form has expired" in response.content.decode()
    assert _signed_in_user_id(http) == str(therapist.pk)


# --- Change password ----------------------------------------------------------------


def test_change_password(client: HttpClient, therapist: User) -> None:
    client.post(SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD})
    elsewhere = HttpClient()
    elsewhere.post(SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD})

    response = client.post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/changed/"
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)
    # This browser stays signed in; the other one is signed out.
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    [change] = AuditEvent.objects.filter(action=AuditAction.UPDATE)
    assert (change.actor_id, change.detail) == (therapist.pk, "account:password-changed")
    # And the next sign-in takes the new password, not the old one.
    fresh = HttpClient()
    assert (
        fresh.post(SIGN_IN, {"username": therapist.email, "password": TEST_PASSWORD}).status_code
        == 422
    )
    assert (
        fresh.post(SIGN_IN, {"username": therapist.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("wrong-current", NEW_PASSWORD, NEW_PASSWORD, "Your old password was entered incorrectly"),
        (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two password fields didn"),
        (TEST_PASSWORD, "short-1", "short-1", "This password is too short."),
        (TEST_PASSWORD, "password1234", "password1234", "This password is too common."),
        (TEST_PASSWORD, "918273645501", "918273645501", "This password is entirely numeric."),
        (TEST_PASSWORD, "", "", "Enter a new password."),
    ],
)
def test_bad_password_change_returns_422_and_keeps_the_old_password(
    old: str, new: str, again: str, message: str, client: HttpClient, therapist: User
) -> None:
    client.force_login(therapist)
    response = client.post(
        PASSWORD, {"old_password": old, "new_password1": new, "new_password2": again}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    therapist.refresh_from_db()
    assert therapist.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_password_page_lists_the_rules(client: HttpClient, therapist: User) -> None:
    client.force_login(therapist)
    html = client.get(PASSWORD).content.decode()
    assert "at least 12 characters" in html
    assert '<label for="id_old_password">Current password</label>' in html
    assert 'autocomplete="new-password"' in html
