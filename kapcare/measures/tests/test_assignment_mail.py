"""The e-mail telling a client a questionnaire waits in their portal: queued when a
clinician assigns (page and API), saying nothing clinical, retried while the mail server
is down, given up after the last attempt with a failed export in the audit trail."""

import datetime as dt
import smtplib
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django_tasks_db.models import DBTaskResult

from kapcare.audit.models import AuditEvent
from kapcare.core import clock, mail_retry
from kapcare.measures import tasks
from kapcare.measures.models import MeasureAssignment
from kapcare.measures.services import end_assignment
from kapcare.measures.services.assignment_mail import ASSIGNMENT_SUBJECT
from kapcare.measures.tests.care import post_json
from kapcare.people.access import actor_for_user
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal.tests.fixtures import portal_user_of

pytestmark = pytest.mark.django_db
SignIn = Callable[[Role], HttpClient]
TASK_PATH = "kapcare.measures.tasks.send_assignment_notice"
SITE = "http://testserver"
NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _held_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: NOW.date())


@pytest.fixture(autouse=True)
def _locmem(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def in_portal(team_client: Client) -> Client:
    portal_user_of(team_client, email="rowan.portal@example.com")
    return team_client


def _queued() -> list[list[Any]]:
    return [r.args_kwargs["args"] for r in DBTaskResult.objects.filter(task_path=TASK_PATH)]


def _assign_by_api(http: HttpClient, client: Client, code: str = "PHQ-9") -> int:
    response = post_json(
        http,
        f"/api/v1/clients/{client.pk}/measure-assignments",
        {"instrument": code, "schedule": "once", "due_on": NOW.date().isoformat()},
    )
    assert response.status_code == 201
    return int(response.json()["id"])


def test_assigning_through_the_api_queues_the_mail_after_commit(
    signed_in: SignIn, in_portal: Client, django_capture_on_commit_callbacks: Any
) -> None:
    http = signed_in(Role.THERAPIST)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_id = _assign_by_api(http, in_portal)
    assert _queued() == [[assignment_id, SITE]]


def test_assigning_on_the_page_queues_the_mail_after_commit(
    signed_in: SignIn, in_portal: Client, django_capture_on_commit_callbacks: Any
) -> None:
    http = signed_in(Role.THERAPIST)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            f"/clients/{in_portal.pk}/measures/assign/",
            {"instrument": "GAD-7", "schedule": "once", "due_on": NOW.date().isoformat()},
        )
    assert response.status_code == 302
    assert _queued() == [[MeasureAssignment.objects.get().pk, SITE]]


def test_a_client_without_a_portal_sign_in_is_not_mailed(
    signed_in: SignIn, team_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _assign_by_api(signed_in(Role.THERAPIST), team_client)
    assert _queued() == []


def test_the_mail_says_a_questionnaire_waits_and_nothing_clinical(
    signed_in: SignIn, in_portal: Client
) -> None:
    assignment_id = _assign_by_api(signed_in(Role.THERAPIST), in_portal)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    assert tasks.send_assignment_notice.call(assignment_id, SITE) is True

    [message] = mail.outbox
    assert message.to == ["rowan.portal@example.com"]
    assert message.subject == ASSIGNMENT_SUBJECT
    assert "http://testserver/portal/questionnaires/" in message.body
    text = f"{message.subject} {message.body}"
    for clinical in ("PHQ", "Patient Health", "depress", in_portal.legal_family_name):
        assert clinical not in text
    [export] = AuditEvent.objects.filter(seq__gt=seq)
    assert (export.action, export.outcome, export.client_id, export.detail) == (
        "export",
        "success",
        in_portal.pk,
        f"measure_assignment:{assignment_id}:mailed",
    )


def test_an_ended_assignment_is_not_mailed(
    signed_in: SignIn, in_portal: Client, staff: dict[Role, StaffMember]
) -> None:
    assignment_id = _assign_by_api(signed_in(Role.THERAPIST), in_portal)
    end_assignment(
        actor=actor_for_user(staff[Role.THERAPIST].user),
        client_id=in_portal.pk,
        assignment_id=assignment_id,
        now=NOW,
    )
    assert tasks.send_assignment_notice.call(assignment_id, SITE) is False
    assert mail.outbox == []


def test_a_failed_mail_is_retried_with_backoff_then_given_up_in_the_audit_trail(
    signed_in: SignIn, in_portal: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    assignment_id = _assign_by_api(signed_in(Role.THERAPIST), in_portal)

    assert tasks.send_assignment_notice.call(assignment_id, SITE) is False
    [retry] = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert retry.args_kwargs["args"] == [assignment_id, SITE, 2]
    assert retry.run_after == NOW + dt.timedelta(minutes=1)

    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    assert tasks.send_assignment_notice.call(assignment_id, SITE, mail_retry.MAX_ATTEMPTS) is False
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1  # no sixth attempt
    [failed] = AuditEvent.objects.filter(seq__gt=seq)
    assert (failed.action, failed.outcome, failed.client_id, failed.detail) == (
        "export",
        "failure",
        in_portal.pk,
        f"measure_assignment:{assignment_id}:mail-failed",
    )


def test_retry_delays_double() -> None:
    assert [mail_retry.retry_delay(n) for n in (1, 2, 3, 4)] == [
        dt.timedelta(minutes=m) for m in (1, 2, 4, 8)
    ]
