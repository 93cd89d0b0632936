"""The second sign-in step (django-allauth's mfa behind our sign-in page).

Enrolling an authenticator app, signing in with its code or a recovery code,
a password reset that still asks for the second step, the production rule that
clinical roles and the privacy officer must enrol, sealed secrets, and audit.
"""

import re
import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client as HttpClient
from pytest_django.fixtures import Settings

from kapcare.accounts.adapters import unseal
from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from kapcare.people.second_factor import MFAAdapter
from tests.factories import TEST_PASSWORD

SIGN_IN = "/accounts/sign-in/"
SECOND_STEP = "/accounts/security/authenticate/"
ACTIVATE = "/accounts/security/totp/activate/"


def _code(secret: str, *, step: int = 0) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step)))


def _sign_in(http: HttpClient, user: User, password: str = TEST_PASSWORD, **extra: str) -> str:
    response = http.post(SIGN_IN, {"username": user.email, "password": password, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])


def _enrol_totp(http: HttpClient, user: User) -> str:
    """Sign in, set up an authenticator app through its page; the secret in clear."""
    _sign_in(http, user)
    asked = http.get(ACTIVATE)
    assert asked["Location"].startswith("/accounts/reauthenticate/")  # the password again
    assert http.post(asked["Location"], {"password": "wrong"}).status_code == 422
    confirmed = http.post(asked["Location"], {"password": TEST_PASSWORD})
    assert confirmed.status_code == 302, confirmed.content.decode()[-3000:]
    assert confirmed["Location"] == ACTIVATE
    page = http.get(ACTIVATE)
    assert page.status_code == 200
    secret = str(page.context["form"].secret)
    response = http.post(ACTIVATE, {"code": _code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/security/recovery-codes/"
    http.post("/accounts/sign-out/")
    return secret


def _signed_in(http: HttpClient) -> bool:
    return SESSION_KEY in http.session


@pytest.fixture
def therapist(staff: dict[Role, StaffMember]) -> User:
    return staff[Role.THERAPIST].user


def test_enrolling_an_app_is_audited_and_its_secret_sealed(
    therapist: User, django_capture_on_commit_callbacks: Any
) -> None:
    # allauth announces a new factor once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        secret = _enrol_totp(HttpClient(), therapist)
    totp = Authenticator.objects.get(user=therapist, type=Authenticator.Type.TOTP)
    assert secret not in str(totp.data)
    assert totp.data["secret"].startswith("sealed:v1:")
    assert unseal(totp.data["secret"]) == secret
    assert Authenticator.objects.filter(
        user=therapist, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    details = set(AuditEvent.objects.filter(actor=therapist).values_list("detail", flat=True))
    assert {"second-factor:added:totp", "second-factor:added:recovery_codes"} <= details


def test_password_alone_does_not_sign_in_once_an_app_is_set_up(therapist: User) -> None:
    secret = _enrol_totp(HttpClient(), therapist)
    http = HttpClient()
    assert _sign_in(http, therapist, next="/practice/") == SECOND_STEP
    assert not _signed_in(http)
    assert http.get("/").status_code == 302  # still sent to sign in

    wrong = http.post(SECOND_STEP, {"code": "000000"})
    assert wrong.status_code == 422
    assert "Incorrect code" in wrong.content.decode()
    assert not _signed_in(http)

    right = http.post(SECOND_STEP, {"code": _code(secret)})
    assert right.status_code == 302
    assert right["Location"] == "/practice/"
    assert _signed_in(http)
    logins = list(
        AuditEvent.objects.filter(actor=therapist, action=AuditAction.LOGIN)
        .order_by("seq")
        .values_list("outcome", "detail")
    )
    assert logins[-2:] == [
        (AuditOutcome.FAILURE, "second step failed"),
        (AuditOutcome.SUCCESS, "sign-in"),
    ]


def test_a_code_from_the_previous_step_is_accepted_once(therapist: User) -> None:
    secret = _enrol_totp(HttpClient(), therapist)
    first = HttpClient()
    _sign_in(first, therapist)
    assert first.post(SECOND_STEP, {"code": _code(secret, step=-1)}).status_code == 302
    again = HttpClient()
    _sign_in(again, therapist)
    assert again.post(SECOND_STEP, {"code": _code(secret, step=-1)}).status_code == 422


def test_a_recovery_code_stands_in_once(therapist: User) -> None:
    _enrol_totp(HttpClient(), therapist)
    codes = Authenticator.objects.get(user=therapist, type=Authenticator.Type.RECOVERY_CODES).wrap()
    code = codes.get_unused_codes()[0]
    http = HttpClient()
    _sign_in(http, therapist)
    assert http.post(SECOND_STEP, {"code": code}).status_code == 302
    assert _signed_in(http)
    again = HttpClient()
    _sign_in(again, therapist)
    assert again.post(SECOND_STEP, {"code": code}).status_code == 422


def test_password_reset_by_email_still_asks_for_the_second_step(therapist: User) -> None:
    secret = _enrol_totp(HttpClient(), therapist)
    http = HttpClient()
    sent = http.post("/accounts/password/reset/", {"email": therapist.email})
    assert sent.status_code == 302
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", str(message.body))
    assert link is not None
    form_page = http.get(link[1], follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link[1]
    new = "quiet-harbor-lantern-2031"
    refused = http.post(action, {"password1": "aaaaaaaaaaaa", "password2": "aaaaaaaaaaaa"})
    assert refused.status_code == 422
    done = http.post(action, {"password1": new, "password2": new})
    assert done.status_code == 302
    assert not _signed_in(http)  # a reset never signs in by itself
    assert AuditEvent.objects.filter(actor=therapist, detail="account:password-reset").exists()

    assert _sign_in(http, therapist, password=new) == SECOND_STEP
    assert not _signed_in(http)
    assert http.post(SECOND_STEP, {"code": _code(secret)}).status_code == 302
    assert _signed_in(http)


def test_unknown_address_gets_the_same_answer_and_no_mail(db: None) -> None:
    http = HttpClient()
    response = http.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert all("reset/key" not in m.body for m in mail.outbox)


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "short-pw1", "password1234"])
def test_weak_passwords_are_refused(therapist: User, password: str) -> None:
    http = HttpClient()
    http.force_login(therapist)
    response = http.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 422
    therapist.refresh_from_db()
    assert therapist.check_password(TEST_PASSWORD)


# --- required when the practice says so (production) ------------------------------------


@pytest.fixture
def required(settings: Settings) -> None:
    settings.KAPCARE_SECOND_FACTOR_REQUIRED = True


@pytest.mark.parametrize(
    "role", [Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR, Role.PRIVACY_OFFICER]
)
def test_clinical_roles_and_privacy_officer_must_enrol_first(
    required: None, staff: dict[Role, StaffMember], role: Role
) -> None:
    http = HttpClient()
    http.force_login(staff[role].user)
    page = http.get("/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/security/"
    api = http.get("/api/v1/clients")
    assert api.status_code == 403
    assert "second sign-in step" in api.json()["detail"]
    assert http.get("/accounts/security/").status_code == 200


def test_front_desk_is_offered_but_not_forced(
    required: None, staff: dict[Role, StaffMember]
) -> None:
    http = HttpClient()
    http.force_login(staff[Role.FRONT_DESK].user)
    assert http.get("/").status_code == 200


def test_once_enrolled_the_pages_open(required: None, therapist: User) -> None:
    secret = _enrol_totp(HttpClient(), therapist)
    http = HttpClient()
    _sign_in(http, therapist)
    http.post(SECOND_STEP, {"code": _code(secret)})
    assert http.get("/").status_code == 200


def test_the_last_factor_of_someone_who_must_use_one_cannot_be_removed(
    settings: Settings, therapist: User
) -> None:
    _enrol_totp(HttpClient(), therapist)
    totp = Authenticator.objects.get(user=therapist, type=Authenticator.Type.TOTP)
    settings.KAPCARE_SECOND_FACTOR_REQUIRED = False
    assert MFAAdapter().can_delete_authenticator(totp)
    settings.KAPCARE_SECOND_FACTOR_REQUIRED = True
    assert not MFAAdapter().can_delete_authenticator(totp)


# --- lockout ------------------------------------------------------------------------------


def test_many_accounts_tried_from_one_address_lock_that_address(
    settings: Settings, staff: dict[Role, StaffMember]
) -> None:
    settings.KAPCARE_ADDRESS_FAILURE_LIMIT = 4
    http = HttpClient(REMOTE_ADDR="203.0.113.9")
    users = [member.user for member in staff.values()]
    for user in users[:3]:  # one wrong password each: no account reaches its own limit
        response = http.post(SIGN_IN, {"username": user.email, "password": "wrong-password-1"})
        assert response.status_code == 422
    fourth = http.post(SIGN_IN, {"username": users[3].email, "password": "wrong-password-1"})
    assert fourth.status_code == 429  # the address's limit is reached
    locked = http.post(SIGN_IN, {"username": users[4].email, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert not _signed_in(http)
    elsewhere = HttpClient(REMOTE_ADDR="198.51.100.7")
    assert (
        elsewhere.post(SIGN_IN, {"username": users[4].email, "password": TEST_PASSWORD}).status_code
        == 302
    )
