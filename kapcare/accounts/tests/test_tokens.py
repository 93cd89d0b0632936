"""Personal access tokens: issued once, stored as a digest, revocable; bearer and session auth."""

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from kapcare.accounts.models import ApiToken, User
from kapcare.accounts.tokens import (
    LAST_USED_EVERY,
    TOKEN_PREFIX,
    issue_token,
    revoke_tokens,
    user_for_token,
)
from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_user

SignedIn = Callable[[Role], HttpClient]
Staff = dict[Role, StaffMember]

UNAUTHENTICATED = {
    "detail": "Sign in, or send a personal access token as 'Authorization: Bearer ...'."
}
CSRF_FAILED = {
    "detail": "The CSRF token is missing or wrong: reload the page and try again "
    "(scripts should use a personal access token instead of the session)."
}
ENDPOINTS = [
    ("get", "/api/v1/clients"),
    ("post", "/api/v1/clients"),
    ("get", "/api/v1/clients/1"),
    ("patch", "/api/v1/clients/1"),
    ("get", "/api/v1/locations"),
    ("get", "/api/v1/rooms"),
    ("get", "/api/v1/staff"),
    ("get", "/api/v1/audit-events"),
]
NEW_CLIENT = {
    "given_name": "Token",
    "family_name": "Testcase",
    "date_of_birth": "1990-05-05",
    "home_state": "NJ",
}


def create_token(email: str, *extra: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", email, *extra, stdout=out, stderr=err)
    assert err.getvalue() == "Store this token now: it is shown only once.\n"
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    return lines[0]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- the commands --------------------------------------------------------------


def test_create_api_token_prints_the_token_once_and_stores_its_digest(staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    # when a token is created by email (any case)
    token = create_token("THERAPIST@example.org", "--name", "laptop script")
    # then the printed token is the only copy: the database holds its digest and prefix
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) == len(TOKEN_PREFIX) + 43
    stored = ApiToken.objects.get()
    assert (stored.user_id, stored.name) == (user.pk, "laptop script")
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert stored.prefix == token[:12]
    assert token not in {stored.digest, stored.prefix, stored.name}
    assert (stored.last_used_at, stored.revoked_at) == (None, None)


def test_each_token_is_different(staff: Staff) -> None:
    first = create_token("therapist@example.org")
    second = create_token("therapist@example.org")
    assert first != second
    assert ApiToken.objects.count() == 2


@pytest.mark.parametrize("email", ["nobody@example.org", "inactive@example.org"])
def test_create_api_token_refuses_unknown_or_inactive_accounts(db: None, email: str) -> None:
    make_user(email="inactive@example.org", is_active=False)
    with pytest.raises(CommandError, match=r"^No active account has that email address\.$"):
        call_command("create_api_token", email, stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiToken.objects.count() == 0


def test_create_api_token_refuses_an_overlong_label(staff: Staff) -> None:
    with pytest.raises(CommandError, match=r"^The --name label is longer than 100 characters\.$"):
        call_command(
            "create_api_token", "therapist@example.org", "--name", "x" * 101, stdout=io.StringIO()
        )
    assert ApiToken.objects.count() == 0


def test_revoke_api_token_revokes_every_token_of_the_account(staff: Staff) -> None:
    tokens = [create_token("therapist@example.org") for _ in range(2)]
    out = io.StringIO()
    call_command("revoke_api_token", "therapist@example.org", stdout=out)
    assert out.getvalue() == "Revoked 2 token(s).\n"
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert [user_for_token(t) for t in tokens] == [None, None]


def test_revoke_api_token_by_prefix_keeps_the_others(staff: Staff) -> None:
    keep = create_token("therapist@example.org")
    drop = create_token("therapist@example.org")
    out = io.StringIO()
    call_command("revoke_api_token", "therapist@example.org", "--prefix", drop[:12], stdout=out)
    assert out.getvalue() == "Revoked 1 token(s).\n"
    assert user_for_token(drop) is None
    assert user_for_token(keep) == staff[Role.THERAPIST].user


def test_revoke_api_token_for_unknown_account(db: None) -> None:
    with pytest.raises(CommandError, match=r"^No account has that email address\.$"):
        call_command("revoke_api_token", "nobody@example.org", stdout=io.StringIO())


def test_revoking_twice_revokes_nothing_more(staff: Staff) -> None:
    create_token("therapist@example.org")
    assert revoke_tokens(user=staff[Role.THERAPIST].user) == 1
    first = ApiToken.objects.get().revoked_at
    assert revoke_tokens(user=staff[Role.THERAPIST].user) == 0
    assert ApiToken.objects.get().revoked_at == first


# --- bearer authentication -----------------------------------------------------


def test_bearer_token_reads_as_its_user(
    client: HttpClient, staff: Staff, team_client: Client, other_client: Client
) -> None:
    token = create_token("therapist@example.org")
    response = client.get("/api/v1/clients", **bearer(token))  # type: ignore[arg-type]
    # then the list is the therapist's, and the token's use is noted
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [team_client.pk]
    assert ApiToken.objects.get().last_used_at is not None
    # and the read is audited as the token's user
    event = AuditEvent.objects.get(action="read", client_id=team_client.pk)
    assert event.actor_id == staff[Role.THERAPIST].user_id


def test_a_token_beside_a_session_acts_as_the_tokens_user(
    signed_in: SignedIn, staff: Staff, team_client: Client, other_client: Client
) -> None:
    # given a browser signed in as the front desk, which sees every client of the practice
    browser = signed_in(Role.FRONT_DESK)
    token = create_token("therapist@example.org")
    # when it sends the therapist's token as well
    response = browser.get("/api/v1/clients", **bearer(token))  # type: ignore[arg-type]
    # then the request is the token's: the therapist's list, audited as the therapist
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [team_client.pk]
    event = AuditEvent.objects.get(action="read", client_id=team_client.pk)
    assert event.actor_id == staff[Role.THERAPIST].user_id


def test_bearer_writes_need_no_csrf_token(staff: Staff) -> None:
    token = create_token("front_desk@example.org")
    script = HttpClient(enforce_csrf_checks=True)
    response = script.post(
        "/api/v1/clients",
        NEW_CLIENT,
        content_type="application/json",
        **bearer(token),  # type: ignore[arg-type]
    )
    assert response.status_code == 201
    assert Client.objects.get().legal_given_name == "Token"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer kapc_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Basic dGhlcmFwaXN0QGV4YW1wbGUub3JnOnBhc3N3b3Jk",
        "Token kapc_abc",
        "kapc_abc",
        "Bearer kapc_\x00",
    ],
)
def test_wrong_credentials_answer_401(client: HttpClient, staff: Staff, header: str) -> None:
    response = client.get("/api/v1/clients", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == "Bearer"


def test_real_token_without_the_scheme_is_refused(client: HttpClient, staff: Staff) -> None:
    token = create_token("therapist@example.org")
    response = client.get("/api/v1/clients", HTTP_AUTHORIZATION=token)
    assert response.status_code == 401


def test_revoked_token_answers_401(client: HttpClient, staff: Staff) -> None:
    token = create_token("therapist@example.org")
    assert client.get("/api/v1/clients", **bearer(token)).status_code == 200  # type: ignore[arg-type]
    call_command("revoke_api_token", "therapist@example.org", stdout=io.StringIO())
    response = client.get("/api/v1/clients", **bearer(token))  # type: ignore[arg-type]
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_inactive_users_token_answers_401(client: HttpClient, staff: Staff) -> None:
    token = create_token("therapist@example.org")
    User.objects.filter(email="therapist@example.org").update(is_active=False)
    response = client.get("/api/v1/clients", **bearer(token))  # type: ignore[arg-type]
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert user_for_token(token) is None


def test_token_of_a_departed_staff_member_reaches_nothing(
    client: HttpClient, staff: Staff, team_client: Client
) -> None:
    # given a token whose user is active but whose staff record was closed
    token = create_token("therapist@example.org")
    StaffMember.objects.filter(pk=staff[Role.THERAPIST].pk).update(is_active=False)
    # then the API answers as if there were nothing there
    response = client.get(f"/api/v1/clients/{team_client.pk}", **bearer(token))  # type: ignore[arg-type]
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_token_without_the_prefix_is_never_looked_up(staff: Staff) -> None:
    issued = issue_token(user=staff[Role.THERAPIST].user)
    assert user_for_token(issued.secret.removeprefix(TOKEN_PREFIX)) is None
    assert user_for_token(issued.secret) == staff[Role.THERAPIST].user


# --- sessions and anonymous callers --------------------------------------------


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_get_401_with_a_json_detail(db: None, method: str, path: str) -> None:
    # a browser without a session, with CSRF enforced as in real life
    anonymous = HttpClient(enforce_csrf_checks=True)
    response = getattr(anonymous, method)(path, {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == "Bearer"


def test_session_works_for_signed_in_staff(signed_in: SignedIn, team_client: Client) -> None:
    response = signed_in(Role.THERAPIST).get("/api/v1/clients")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_session_writes_need_the_csrf_token(staff: Staff) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(staff[Role.FRONT_DESK].user)
    # without the token the write is refused, and nothing is saved
    refused = browser.post("/api/v1/clients", NEW_CLIENT, content_type="application/json")
    assert (refused.status_code, refused.json()) == (403, CSRF_FAILED)
    assert Client.objects.count() == 0
    # with the token it goes through
    secret = "b" * 32
    browser.cookies["csrftoken"] = secret
    accepted = browser.post(
        "/api/v1/clients",
        NEW_CLIENT,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert accepted.status_code == 201
    assert Client.objects.count() == 1


def test_session_reads_need_no_csrf_token(staff: Staff) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(staff[Role.FRONT_DESK].user)
    assert browser.get("/api/v1/clients").status_code == 200


def test_signed_out_session_answers_401(signed_in: SignedIn) -> None:
    http = signed_in(Role.THERAPIST)
    http.logout()
    response = http.get("/api/v1/clients")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_session_of_a_deactivated_user_answers_401(signed_in: SignedIn, staff: Staff) -> None:
    http = signed_in(Role.THERAPIST)
    User.objects.filter(pk=staff[Role.THERAPIST].user_id).update(is_active=False)
    response = http.get("/api/v1/clients")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_last_use_is_noted_at_most_once_an_hour(
    staff: Staff,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    # given a token first used at nine
    secret = issue_token(user=staff[Role.THERAPIST].user).secret
    nine = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: nine)
    assert user_for_token(secret) == staff[Role.THERAPIST].user
    # when it is used again within the hour, it is read and nothing is written
    monkeypatch.setattr(clock, "now", lambda: nine + LAST_USED_EVERY - dt.timedelta(seconds=1))
    with django_assert_num_queries(1):
        assert user_for_token(secret) == staff[Role.THERAPIST].user
    assert ApiToken.objects.get().last_used_at == nine
    # and an hour on, the use is noted again
    monkeypatch.setattr(clock, "now", lambda: nine + LAST_USED_EVERY)
    assert user_for_token(secret) == staff[Role.THERAPIST].user
    assert ApiToken.objects.get().last_used_at == nine + LAST_USED_EVERY
