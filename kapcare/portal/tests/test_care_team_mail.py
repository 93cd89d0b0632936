"""The care team is told when a client books, cancels or asks for a medicine session in
the portal: a notice on their home page and an e-mail from the task queue (the shared
retry policy), which names no client."""

import smtplib
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django_tasks_db.models import DBTaskResult

from kapcare.audit.models import AuditEvent
from kapcare.core import mail_retry
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from kapcare.portal import tasks
from kapcare.portal.models import CareTeamNotice
from kapcare.portal.tests.fixtures import book_video_therapy
from kapcare.portal.tests.test_sessions import _search
from kapcare.scheduling.models import Appointment

pytestmark = pytest.mark.django_db
Staff = dict[Role, StaffMember]
TASK_PATH = "kapcare.portal.tasks.send_care_team_notice"
SITE = "http://testserver"


@pytest.fixture(autouse=True)
def _locmem(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _queued() -> list[list[Any]]:
    return [r.args_kwargs["args"] for r in DBTaskResult.objects.filter(task_path=TASK_PATH)]


def test_a_self_booking_tells_the_care_team_on_the_page_and_by_mail(
    portal: HttpClient,
    team_client: Client,
    staff: Staff,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    book_video_therapy(team_client, staff, days=40)  # records the telehealth consent
    query = _search(team_client, staff)
    first = portal.get("/portal/sessions/book/", query).context["search"].slots[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(
            "/portal/sessions/book/", {**query, "start": first.start.isoformat()}
        )
    assert response.status_code == 302
    notice = CareTeamNotice.objects.get(client=team_client, kind="session_booked")
    assert notice.detail.startswith("Integration session, ")
    assert _queued() == [[notice.pk, SITE]]

    assert tasks.send_care_team_notice.call(notice.pk, SITE) is True
    addresses = sorted(m.to[0] for m in mail.outbox)
    assert staff[Role.THERAPIST].user.email in addresses
    message = mail.outbox[0]
    assert message.subject == "KAP Care: a client booked a session in the portal"
    assert f"{SITE}/clients/{team_client.pk}/" in message.body
    text = f"{message.subject} {message.body}"
    for private in (team_client.legal_given_name, team_client.legal_family_name, "Integration"):
        assert private not in text


def test_cancelling_through_the_api_queues_the_mail(
    portal: HttpClient,
    team_client: Client,
    staff: Staff,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    session = book_video_therapy(team_client, staff, days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(
            f"/api/v1/portal/sessions/{session.pk}/cancel",
            '{"reason": ""}',
            content_type="application/json",
        )
    assert response.status_code == 200
    notice = CareTeamNotice.objects.get(client=team_client, kind="session_cancelled")
    assert _queued() == [[notice.pk, SITE]]


def test_a_notice_mail_that_keeps_failing_is_given_up_in_the_audit_trail(
    portal: HttpClient,
    team_client: Client,
    staff: Staff,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("down")

    session = book_video_therapy(team_client, staff, days=3)
    portal.post(f"/portal/sessions/{session.pk}/cancel/", {"reason": ""})
    notice = CareTeamNotice.objects.get(client=team_client)
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)

    assert tasks.send_care_team_notice.call(notice.pk, SITE) is False
    assert _queued() == [[notice.pk, SITE, 2]]
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    assert tasks.send_care_team_notice.call(notice.pk, SITE, mail_retry.MAX_ATTEMPTS) is False
    [failed] = AuditEvent.objects.filter(seq__gt=seq)
    assert (failed.outcome, failed.client_id, failed.detail) == (
        "failure",
        team_client.pk,
        f"portal:notice:{notice.pk}:mail-failed",
    )
    assert Appointment.objects.get(pk=session.pk).status == "cancelled"  # nothing undone
