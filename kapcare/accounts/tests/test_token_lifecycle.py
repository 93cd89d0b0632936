"""Finding 7 of issue 12: tokens expire, end with a password change or a closed account,
are listed and revoked on "My API tokens", and every event of their life is audited."""

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from kapcare.accounts.models import ApiToken, RevokedBecause
from kapcare.accounts.tokens import DEFAULT_DAYS, issue_token, user_for_token
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.core import clock
from kapcare.people.models import StaffMember
from kapcare.people.policy import Role

Staff = dict[Role, StaffMember]
SignedIn = Callable[[Role], HttpClient]
NOON = dt.datetime(2026, 3, 2, 17, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _noon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOON)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def events(detail_start: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(detail__startswith=detail_start).order_by("seq"))


# --- expiry ---------------------------------------------------------------------


def test_a_token_lives_90_days_by_default_and_its_creation_is_audited(staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    issued = issue_token(user=user, name="script")
    assert issued.token.expires_at == NOON + dt.timedelta(days=DEFAULT_DAYS)
    [created] = events("api-token:created:")
    assert (created.actor_id, created.action, created.outcome) == (
        user.pk,
        AuditAction.CREATE,
        AuditOutcome.SUCCESS,
    )
    assert created.detail == f"api-token:created:{issued.token.pk}:90d"
    assert issued.secret not in created.detail


@pytest.mark.parametrize("days", [0, 366])
def test_a_token_lives_1_to_365_days(staff: Staff, days: int) -> None:
    with pytest.raises(ValueError, match="1 to 365 days"):
        issue_token(user=staff[Role.THERAPIST].user, days=days)
    assert ApiToken.objects.count() == 0


def test_an_expired_token_answers_401_and_the_attempt_is_audited(
    client: HttpClient, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a 7-day token, a week and a second later
    issued = issue_token(user=staff[Role.THERAPIST].user, days=7)
    monkeypatch.setattr(clock, "now", lambda: NOON + dt.timedelta(days=7, seconds=1))

    # When it is used
    response = client.get("/api/v1/clients", headers=bearer(issued.secret))

    # Then it is refused, and the trail says whose token and why
    assert response.status_code == 401
    [refused] = events("api-token:refused:")
    assert refused.detail == f"api-token:refused:expired:{issued.token.pk}"
    assert (refused.actor_id, refused.outcome) == (staff[Role.THERAPIST].user_id, "failure")
    assert refused.source_ip == "127.0.0.1"


@pytest.mark.parametrize("secret", ["kapc_not-a-real-token-at-all", "a-token-without-the-prefix"])
def test_a_bad_bearer_token_is_audited_without_its_text(
    client: HttpClient, staff: Staff, secret: str
) -> None:
    response = client.get("/api/v1/clients", headers=bearer(secret))
    assert response.status_code == 401
    [refused] = events("api-token:refused:")
    assert refused.detail == "api-token:refused:unknown"
    assert refused.actor_id is None
    assert secret not in str(AuditEvent.objects.values_list())


def test_a_use_is_audited_once_an_hour(
    client: HttpClient, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = issue_token(user=staff[Role.THERAPIST].user)
    for minutes in (0, 30, 61):
        monkeypatch.setattr(clock, "now", lambda m=minutes: NOON + dt.timedelta(minutes=m))
        assert client.get("/api/v1/clients", headers=bearer(issued.secret)).status_code == 200
    used = events("api-token:used:")
    assert [e.at for e in used] == [NOON, NOON + dt.timedelta(minutes=61)]
    assert {e.detail for e in used} == {f"api-token:used:{issued.token.pk}"}


# --- ended by a password change or a closed account ------------------------------


def test_a_password_change_revokes_every_token(staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    secrets = [issue_token(user=user).secret for _ in range(2)]
    user.set_password("a-new-long-passphrase-2026")
    user.save()
    assert [user_for_token(s) for s in secrets] == [None, None]
    assert set(ApiToken.objects.values_list("revoked_because", flat=True)) == {
        RevokedBecause.PASSWORD_CHANGED
    }
    assert len(events("api-token:revoked:")) == 2


def test_the_change_password_page_revokes_tokens(signed_in: SignedIn, staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    user.set_password("the-old-passphrase-2026")
    user.save()
    secret = issue_token(user=user).secret
    http = signed_in(Role.THERAPIST)
    response = http.post(
        "/accounts/password/",
        {
            "old_password": "the-old-passphrase-2026",
            "new_password1": "a-brand-new-passphrase-77",
            "new_password2": "a-brand-new-passphrase-77",
        },
    )
    assert response.status_code == 302
    assert user_for_token(secret) is None


def test_saving_an_account_without_a_new_password_keeps_its_tokens(staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    secret = issue_token(user=user).secret
    user.full_name = "Renamed"
    user.save()
    assert user_for_token(secret) == user


def test_closing_an_account_revokes_its_tokens(staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    secret = issue_token(user=user).secret
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()  # reopened: the old token stays ended
    assert user_for_token(secret) is None
    assert ApiToken.objects.get().revoked_because == RevokedBecause.DEACTIVATED


# --- the command -----------------------------------------------------------------


def test_create_api_token_takes_a_life_in_days(staff: Staff) -> None:
    out = io.StringIO()
    call_command(
        "create_api_token", "therapist@example.org", "--days", "7", stdout=out, stderr=io.StringIO()
    )
    assert ApiToken.objects.get().expires_at == NOON + dt.timedelta(days=7)


def test_create_api_token_refuses_a_life_over_a_year(staff: Staff) -> None:
    with pytest.raises(CommandError, match=r"^--days must be between 1 and 365\.$"):
        call_command("create_api_token", "therapist@example.org", "--days", "400")


def test_revoke_api_token_audits_each_token_as_an_administrators_revocation(staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    ids = [issue_token(user=user).token.pk for _ in range(2)]
    call_command("revoke_api_token", "therapist@example.org", stdout=io.StringIO())
    assert [e.detail for e in events("api-token:revoked:")] == [
        f"api-token:revoked:{i}:command" for i in ids
    ]


# --- the page ----------------------------------------------------------------------

PAGE = "/accounts/api-tokens/"


def test_my_tokens_page_makes_a_token_and_shows_it_once(signed_in: SignedIn, staff: Staff) -> None:
    http = signed_in(Role.THERAPIST)

    # When the therapist makes a 30-day token named "reports"
    made = http.post(PAGE, {"name": "reports", "days": "30"})

    # Then the page shows it once, it works, and it expires in 30 days
    assert made.status_code == 201
    token = ApiToken.objects.get()
    secret = made.context["secret"]
    assert secret.startswith("kapc_")
    assert secret in made.content.decode()
    assert token.expires_at == NOON + dt.timedelta(days=30)
    assert HttpClient().get("/api/v1/clients", headers=bearer(secret)).status_code == 200
    listed = http.get(PAGE).content.decode()
    assert secret not in listed
    assert "reports" in listed
    assert token.prefix in listed


def test_my_tokens_page_shows_last_use_and_revokes(signed_in: SignedIn, staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    issued = issue_token(user=user, name="nightly export")
    HttpClient().get("/api/v1/clients", headers=bearer(issued.secret))
    http = signed_in(Role.THERAPIST)
    page = http.get(PAGE).content.decode()
    assert "Mon 2 Mar 2026, 12:00" in page  # last used, in the practice's zone

    revoked = http.post(f"{PAGE}{issued.token.pk}/revoke/")

    assert revoked.status_code == 302
    assert user_for_token(issued.secret) is None
    assert ApiToken.objects.get().revoked_because == RevokedBecause.OWNER
    assert "Revoked by its owner" in http.get(PAGE).content.decode()


def test_a_refused_name_is_shown_next_to_its_field(signed_in: SignedIn) -> None:
    response = signed_in(Role.THERAPIST).post(PAGE, {"name": "", "days": "90"})
    assert response.status_code == 422
    assert ApiToken.objects.count() == 0


def test_nobody_revokes_someone_elses_token(signed_in: SignedIn, staff: Staff) -> None:
    theirs = issue_token(user=staff[Role.MEDICAL_PROVIDER].user)
    http = signed_in(Role.THERAPIST)
    response = http.post(f"{PAGE}{theirs.token.pk}/revoke/")
    assert response.status_code == 404
    assert user_for_token(theirs.secret) == staff[Role.MEDICAL_PROVIDER].user
    [denied] = events("api-token:revoke-refused:")
    assert (denied.actor_id, denied.action) == (staff[Role.THERAPIST].user_id, "denied")


# --- the API -----------------------------------------------------------------------


def test_the_api_lists_my_tokens_and_revokes_one(client: HttpClient, staff: Staff) -> None:
    user = staff[Role.THERAPIST].user
    keep = issue_token(user=user, name="keep")
    drop = issue_token(user=user, name="drop")
    issue_token(user=staff[Role.FRONT_DESK].user, name="someone else's")

    listed = client.get("/api/v1/me/api-tokens", headers=bearer(keep.secret))
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()["items"]] == ["drop", "keep"]
    assert all(t["live"] for t in listed.json()["items"])
    assert keep.secret not in listed.content.decode()

    revoked = client.post(
        f"/api/v1/me/api-tokens/{drop.token.pk}/revoke", headers=bearer(keep.secret)
    )
    assert revoked.status_code == 200
    assert (revoked.json()["live"], revoked.json()["revoked_because"]) == (False, "owner")
    assert user_for_token(drop.secret) is None


def test_the_api_does_not_revoke_someone_elses_token(client: HttpClient, staff: Staff) -> None:
    mine = issue_token(user=staff[Role.THERAPIST].user)
    theirs = issue_token(user=staff[Role.FRONT_DESK].user)
    response = client.post(
        f"/api/v1/me/api-tokens/{theirs.token.pk}/revoke", headers=bearer(mine.secret)
    )
    assert response.status_code == 404
    assert user_for_token(theirs.secret) == staff[Role.FRONT_DESK].user
