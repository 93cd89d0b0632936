"""Sign-ins, failed sign-ins and sign-outs are audited, and what was typed is never kept."""

import logging

import pytest
from django.test import Client as HttpClient

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.verify import verify_chain
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
ADDRESS = "198.51.100.40"
TYPED_PASSWORD = "Typed-Secret-Never-Stored-7"


@pytest.fixture
def person() -> User:
    return make_user(email="kim.signin@example.org", full_name="Kim Signin")


def _sign_in(email: str, password: str) -> int:
    response = HttpClient(REMOTE_ADDR=ADDRESS).post(
        SIGN_IN, {"username": email, "password": password}
    )
    return response.status_code


def _every_stored_text() -> str:
    """Every value of every audit row, as one string to search."""
    return " ".join(str(v) for row in AuditEvent.objects.values() for v in row.values())


def test_a_sign_in_is_audited(person: User) -> None:
    # When
    status = _sign_in("kim.signin@example.org", TEST_PASSWORD)

    # Then
    assert status == 302
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor_id, event.source_ip, event.detail) == (
        AuditAction.LOGIN,
        AuditOutcome.SUCCESS,
        person.pk,
        ADDRESS,
        "sign-in",
    )
    assert event.client_id is None
    assert verify_chain() is None


def test_a_wrong_password_is_audited_against_the_account(person: User) -> None:
    status = _sign_in("kim.signin@example.org", TYPED_PASSWORD)

    assert status in {200, 422}
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor_id, event.source_ip, event.detail) == (
        AuditAction.LOGIN,
        AuditOutcome.FAILURE,
        person.pk,
        ADDRESS,
        "sign-in failed",
    )
    assert TYPED_PASSWORD not in _every_stored_text()


def test_an_email_in_other_letters_still_names_the_account(person: User) -> None:
    _sign_in("KIM.Signin@Example.org", TYPED_PASSWORD)
    assert AuditEvent.objects.get().actor_id == person.pk


def test_an_unknown_email_is_audited_without_what_was_typed(person: User) -> None:
    typed_email = "nobody.typed.this@example.org"

    status = _sign_in(typed_email, TYPED_PASSWORD)

    assert status in {200, 422}
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor_id, event.source_ip, event.detail) == (
        AuditAction.LOGIN,
        AuditOutcome.FAILURE,
        None,
        ADDRESS,
        "sign-in failed: unknown account",
    )
    stored = _every_stored_text()
    assert typed_email not in stored
    assert "nobody" not in stored
    assert TYPED_PASSWORD not in stored


def test_what_was_typed_is_not_logged(person: User, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _sign_in("nobody.typed.this@example.org", TYPED_PASSWORD)
    _sign_in("kim.signin@example.org", TYPED_PASSWORD)
    assert "nobody.typed.this" not in caplog.text
    assert TYPED_PASSWORD not in caplog.text


def test_an_inactive_account_signing_in_is_a_failure(person: User) -> None:
    User.objects.filter(pk=person.pk).update(is_active=False)
    _sign_in("kim.signin@example.org", TEST_PASSWORD)
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome) == (AuditAction.LOGIN, AuditOutcome.FAILURE)


def test_a_locked_out_account_is_audited_as_failing_even_with_the_right_password(
    person: User,
) -> None:
    for _ in range(5):
        _sign_in("kim.signin@example.org", TYPED_PASSWORD)

    status = _sign_in("kim.signin@example.org", TEST_PASSWORD)

    assert status != 302
    outcomes = list(AuditEvent.objects.order_by("seq").values_list("action", "outcome"))
    assert outcomes == [(AuditAction.LOGIN, AuditOutcome.FAILURE)] * 6
    assert verify_chain() is None


def test_a_sign_out_is_audited(person: User) -> None:
    http = HttpClient(REMOTE_ADDR=ADDRESS)
    http.force_login(person)

    response = http.post("/accounts/sign-out/")

    assert response.status_code == 302
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.outcome, last.actor_id, last.source_ip) == (
        AuditAction.LOGOUT,
        AuditOutcome.SUCCESS,
        person.pk,
        ADDRESS,
    )


def test_signing_out_when_not_signed_in_records_nothing() -> None:
    HttpClient().post("/accounts/sign-out/")
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()
