"""Reminder e-mails: what they say, when they go, once only, and through the worker."""

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core.mail_retry import MAX_ATTEMPTS
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import tasks
from kapcare.scheduling.models import (
    Appointment,
    AppointmentStaff,
    PracticeSchedulingSettings,
    ReminderSent,
)
from kapcare.scheduling.reminders import compose, queue_due_reminders
from kapcare.scheduling.vocabulary import AppointmentKind
from tests.factories import make_location, make_room

NOW = dt.datetime(2030, 1, 6, 15, tzinfo=dt.UTC)  # Sunday 10:00 in Pennsylvania
REMINDER_TASK = "kapcare.scheduling.tasks.send_reminder"


def deliver() -> int:
    """Run the reminder mails the sweep queued, as the worker would; how many went."""
    sent = 0
    for queued in DBTaskResult.objects.filter(task_path=REMINDER_TASK, status="READY"):
        queued.delete()
        sent += tasks.send_reminder.call(*queued.args_kwargs["args"])
    return sent


def send_due_reminders(*, now: dt.datetime) -> int:
    """The sweep, then its mails; how many went."""
    queued = queue_due_reminders(now=now)
    assert deliver() == queued
    return queued


@pytest.fixture(autouse=True)
def _locmem(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def client_record(team_client: Client) -> Client:
    Client.objects.filter(pk=team_client.pk).update(
        legal_given_name="Marigold",
        legal_family_name="Teamclientsson",
        preferred_name="Goldie",
        email="marigold@example.com",
    )
    team_client.refresh_from_db()
    return team_client


def book(
    client: Client,
    staff: dict[Role, StaffMember],
    practice: Practice,
    *,
    hours_ahead: float,
    kind: AppointmentKind = AppointmentKind.MEDICINE,
) -> Appointment:
    location = make_location(practice=practice, name=f"Bryn Mawr {hours_ahead}")
    room = make_room(location=location, kind=RoomKind.MEDICINE)
    start = NOW + dt.timedelta(hours=hours_ahead)
    appointment = Appointment.objects.create(
        client=client,
        kind=kind.value,
        modality="in_person",
        start=start,
        end=start + dt.timedelta(hours=1),
        location=location,
        room=room,
        created_by=staff[Role.FRONT_DESK],
        created_at=NOW,
    )
    for role in (Role.THERAPIST, Role.MONITOR):
        AppointmentStaff.objects.create(
            appointment=appointment,
            staff=staff[role],
            start=appointment.start,
            end=appointment.end,
            status="booked",
        )
    return appointment


def test_compose_says_kind_time_and_place_only() -> None:
    email = compose(
        kind=AppointmentKind.MEDICINE,
        start=dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC),
        time_zone="America/New_York",
        place="at our Bryn Mawr office (1 Test Street, Bryn Mawr, PA 19010)",
        to_client=True,
        practice="Main Line Relational Healing",
    )
    assert email.subject == "Reminder: your medicine session on Mon 7 Jan 2030, 10:00 am"
    assert "Mon 7 Jan 2030, 10:00 am (Eastern time)" in email.body
    assert "ketamine" not in email.body.lower()
    assert "mg" not in email.body


def test_due_reminders_go_to_the_client_and_each_staff_member_once(
    practice: Practice, staff: dict[Role, StaffMember], client_record: Client
) -> None:
    # Given a session in 23 hours (due) and one in 25 hours (not yet)
    due = book(client_record, staff, practice, hours_ahead=23)
    book(client_record, staff, practice, hours_ahead=25, kind=AppointmentKind.INTEGRATION)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    # When the sweep runs twice
    assert send_due_reminders(now=NOW) == 3
    assert send_due_reminders(now=NOW + dt.timedelta(minutes=5)) == 0

    # Then three e-mails went (client, therapist, monitor), about the due session only
    assert sorted(m.to[0] for m in mail.outbox) == [
        "marigold@example.com",
        "monitor@example.org",
        "therapist@example.org",
    ]
    for message in mail.outbox:
        assert "medicine session" in message.subject
        text = f"{message.subject} {message.body}"
        for private in ("Marigold", "Goldie", "Teamclientsson", "Test Therapist"):
            assert private not in text
    assert ReminderSent.objects.filter(appointment=due).count() == 3
    # And the e-mail to the client is an export in the audit trail
    exports = AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.EXPORT)
    assert [(e.client_id, e.detail) for e in exports] == [
        (client_record.pk, f"reminder:appointment:{due.pk}")
    ]


def test_cancelled_appointments_get_no_reminder_and_moved_ones_get_a_new_one(
    practice: Practice, staff: dict[Role, StaffMember], client_record: Client
) -> None:
    cancelled = book(client_record, staff, practice, hours_ahead=10)
    Appointment.objects.filter(pk=cancelled.pk).update(
        status="cancelled", status_changed_by=staff[Role.FRONT_DESK], status_changed_at=NOW
    )
    moved = book(client_record, staff, practice, hours_ahead=20)
    assert send_due_reminders(now=NOW) == 3  # the moved one, at its first time

    new_start = moved.start + dt.timedelta(hours=2)
    Appointment.objects.filter(pk=moved.pk).update(
        start=new_start, end=new_start + dt.timedelta(hours=1)
    )
    mail.outbox.clear()
    assert send_due_reminders(now=NOW) == 3
    assert all("8:00 am" in m.subject for m in mail.outbox)  # 13:00 UTC, 08:00 in Pennsylvania


def test_a_started_appointment_gets_no_reminder(
    practice: Practice, staff: dict[Role, StaffMember], client_record: Client
) -> None:
    book(client_record, staff, practice, hours_ahead=-1)
    assert send_due_reminders(now=NOW) == 0


def test_the_practices_lead_time_decides_when(
    practice: Practice, staff: dict[Role, StaffMember], client_record: Client
) -> None:
    book(client_record, staff, practice, hours_ahead=40)
    assert send_due_reminders(now=NOW) == 0
    PracticeSchedulingSettings.objects.create(practice=practice, reminder_hours_before=48)
    assert send_due_reminders(now=NOW) == 3


def test_a_failed_send_is_retried_with_backoff_then_given_up_in_the_audit_trail(
    practice: Practice, staff: dict[Role, StaffMember], client_record: Client
) -> None:
    appointment = book(client_record, staff, practice, hours_ahead=5)
    assert queue_due_reminders(now=NOW) == 3
    to_client = ReminderSent.objects.get(appointment=appointment, recipient="client")
    # The mail server is down: each attempt queues the next, 1, 2, 4, 8 minutes later
    with mock.patch("kapcare.scheduling.reminders.send_mail", side_effect=OSError("SMTP down")):
        for attempt in range(1, MAX_ATTEMPTS):
            assert tasks.send_reminder.call(to_client.pk, attempt) is False
            queued = DBTaskResult.objects.filter(task_path=REMINDER_TASK)
            assert [to_client.pk, attempt + 1] in [q.args_kwargs["args"] for q in queued]
        seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        assert tasks.send_reminder.call(to_client.pk, MAX_ATTEMPTS) is False
    # Then it gives up: a failed export under the client, and no further attempt
    failed = AuditEvent.objects.get(seq__gt=seq)
    assert (failed.action, failed.outcome, failed.client_id) == (
        AuditAction.EXPORT,
        "failure",
        client_record.pk,
    )
    assert failed.detail == f"reminder:{to_client.pk}:mail-failed"
    assert mail.outbox == []
    # A server back up sends a queued reminder; the sweep queues nothing twice
    assert tasks.send_reminder.call(to_client.pk) is True
    assert queue_due_reminders(now=NOW) == 0


def test_a_reminder_of_a_cancelled_session_is_not_sent(
    practice: Practice, staff: dict[Role, StaffMember], client_record: Client
) -> None:
    appointment = book(client_record, staff, practice, hours_ahead=5)
    assert queue_due_reminders(now=NOW) == 3
    Appointment.objects.filter(pk=appointment.pk).update(
        status="cancelled", status_changed_by=staff[Role.FRONT_DESK], status_changed_at=NOW
    )
    assert deliver() == 0
    assert mail.outbox == []


# The worker closes its database connection when done, as a process would: the test
# cannot sit inside one transaction.
@pytest.mark.django_db(transaction=True)
def test_the_sweep_runs_in_the_database_worker_and_queues_its_next_run(
    practice: Practice, staff: dict[Role, StaffMember], client_record: Client
) -> None:
    # Given a due reminder and the sweep queued by `manage.py schedule_reminders`
    book(client_record, staff, practice, hours_ahead=2)
    call_command("schedule_reminders")
    call_command("schedule_reminders")  # a second run queues nothing more
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    # When the worker processes the queue
    with mock.patch("kapcare.scheduling.tasks.clock.now", return_value=NOW):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    # Then the sweep queued three mails, the worker sent them, and the next sweep waits
    # five minutes later
    assert len(mail.outbox) == 3
    done = DBTaskResult.objects.get(status="SUCCESSFUL", task_path=tasks.send_reminders.module_path)
    assert done.return_value == 3
    sent = DBTaskResult.objects.filter(status="SUCCESSFUL", task_path=REMINDER_TASK)
    assert [r.return_value for r in sent] == [True, True, True]
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after == NOW + tasks.SWEEP_EVERY


def test_a_telehealth_reminder_says_by_video_on_the_practices_clock(
    practice: Practice, staff: dict[Role, StaffMember], client_record: Client
) -> None:
    start = NOW + dt.timedelta(hours=3)
    appointment = Appointment.objects.create(
        client=client_record,
        kind="integration",
        modality="telehealth",
        start=start,
        end=start + dt.timedelta(hours=1),
        client_location_state="PA",
        created_by=staff[Role.FRONT_DESK],
        created_at=NOW,
    )
    AppointmentStaff.objects.create(
        appointment=appointment,
        staff=staff[Role.THERAPIST],
        start=start,
        end=appointment.end,
        status="booked",
    )
    assert send_due_reminders(now=NOW) == 2
    to_client = next(m for m in mail.outbox if m.to == ["marigold@example.com"])
    assert to_client.subject == "Reminder: your integration session on Sun 6 Jan 2030, 1:00 pm"
    assert "by video (telehealth)" in to_client.body
