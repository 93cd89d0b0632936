"""Signing on the console asks for the signer's password again, on the same page: a wrong
or missing one is refused beside the field (and audited), the right one goes on to the
signing service, and the page says what locking means."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent, AuditOutcome
from kapcare.core import clock
from kapcare.medicine.models import Signature
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SignIn = Callable[[Role], HttpClient]


@pytest.fixture
def appointment(team_client: Client, staff: dict[Role, StaffMember]) -> Appointment:
    return ready_medicine_appointment(
        team_client, staff, start=clock.now() - dt.timedelta(minutes=30)
    )


def _sign(http: HttpClient, appointment: Appointment, password: str | None) -> str:
    body = {"form": "sign", "role": "monitor"}
    if password is not None:
        body["sign-monitor-password"] = password
    response = http.post(f"/appointments/{appointment.pk}/medicine/", body)
    assert response.status_code == 422
    return response.content.decode()


def test_the_sign_card_asks_for_the_password_and_says_what_locking_means(
    signed_in: SignIn, appointment: Appointment
) -> None:
    html = signed_in(Role.MONITOR).get(f"/appointments/{appointment.pk}/medicine/").content.decode()
    assert "Signing locks the record" in html
    assert 'name="sign-monitor-password"' in html
    assert 'autocomplete="current-password"' in html
    assert "Sign and lock as monitor" in html


def test_a_wrong_or_missing_password_is_refused_beside_the_field_and_audited(
    signed_in: SignIn, appointment: Appointment
) -> None:
    http = signed_in(Role.MONITOR)

    wrong = _sign(http, appointment, "not-my-password")
    missing = _sign(http, appointment, None)

    assert 'id="id_sign-monitor-password_error"' in wrong
    assert "That is not your password" in wrong
    assert "not-my-password" not in wrong  # never echoed back
    assert "Enter your password to sign." in missing
    assert not Signature.objects.exists()
    failed = AuditEvent.objects.filter(outcome=AuditOutcome.FAILURE)
    assert list(failed.values_list("detail", flat=True)) == ["sign:password_not_confirmed"]


def test_the_right_password_reaches_the_signing_rules(
    signed_in: SignIn, appointment: Appointment
) -> None:
    # Not yet discharged: the service's own refusal shows in the sign card.
    html = _sign(signed_in(Role.MONITOR), appointment, TEST_PASSWORD)

    assert "Record the discharge before signing" in html
    assert "That is not your password" not in html
    assert not Signature.objects.exists()


def test_a_role_not_yours_to_sign_is_refused_without_asking_the_service(
    signed_in: SignIn, appointment: Appointment
) -> None:
    response = signed_in(Role.THERAPIST).post(
        f"/appointments/{appointment.pk}/medicine/",
        {"form": "sign", "role": "monitor", "sign-monitor-password": TEST_PASSWORD},
    )
    assert response.status_code == 422
    assert "the role is not yours" in response.content.decode()
    assert not Signature.objects.exists()
