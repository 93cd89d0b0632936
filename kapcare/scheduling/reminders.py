"""Reminder e-mails before appointments, to the client and to each staff member on it.

:func:`queue_due_reminders` (the sweep) queues every reminder that is due: booked
appointments that start within the practice's lead time
(``PracticeSchedulingSettings.reminder_hours_before``, 24 hours by default) and have not
started. It is idempotent: a ``ReminderSent`` row, unique per appointment, recipient and
appointment *start*, is inserted in the same transaction as its mail task (the database
task backend: both commit or neither; a concurrent sweep's insert fails, so nothing is
queued twice). The task (``scheduling.tasks.send_reminder``) sends it with the shared
retry policy (``core.mail_retry``); :func:`send_reminder_mail` finds nothing to send
when the appointment is no longer booked or has moved (a rescheduled one has a new
start, so it is reminded of again at its new time).

What an e-mail says (:func:`compose`): the kind of session in words a client would use,
the date and time on the location's clock, and where (the office's name and address, or
"by video"). Never a name, a note, a dose or anything else clinical: e-mail is not a
secure channel. Each e-mail to a client is an EXPORT event in the audit trail.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event, record_mail_failure
from kapcare.core.wording import fmt_datetime, zone_words
from kapcare.people.policy import Category
from kapcare.scheduling.facts import DEFAULT_REMINDER_HOURS
from kapcare.scheduling.models import Appointment, PracticeSchedulingSettings, ReminderSent
from kapcare.scheduling.practice_settings import apply_overrides
from kapcare.scheduling.thresholds import DEFAULT_POLICY
from kapcare.scheduling.vocabulary import (
    AppointmentKind,
    AppointmentStatus,
    Modality,
    ReminderRecipient,
)

__all__ = [
    "CLIENT_WORDS",
    "Email",
    "compose",
    "mark_reminder_failed",
    "queue_due_reminders",
    "send_reminder_mail",
]

CLIENT_WORDS = {
    AppointmentKind.CONSULTATION: "consultation",
    AppointmentKind.PREPARATION: "preparation session",
    AppointmentKind.MEDICINE: "medicine session",
    AppointmentKind.INTEGRATION: "integration session",
    AppointmentKind.THERAPY: "therapy session",
}
"""The kind in the words the practice uses with clients (no dose, no drug name)."""

MAX_LEAD_HOURS = 336


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def compose(
    *,
    kind: AppointmentKind,
    start: dt.datetime,
    time_zone: str,
    place: str,
    to_client: bool,
    practice: str,
    video_link: str = "",
) -> Email:
    """The reminder's subject and text (pure: everything it says is passed in).

    ``video_link`` is the clinician's video room, for a video session: the link the
    client joins by (and the staff member's own room).
    """
    local = start.astimezone(zoneinfo.ZoneInfo(time_zone))
    when = f"{fmt_datetime(local)} ({zone_words(time_zone)})"
    words = CLIENT_WORDS[kind]
    if to_client:
        subject = f"Reminder: your {words} on {fmt_datetime(local)}"
        join = (
            f"Join your video room here: {video_link}\nAt the start, your portal asks where "
            "you are: a video session depends on the state you are in.\n\n"
            if video_link
            else ""
        )
        body = (
            f"Hello,\n\nThis is a reminder of your {words} with {practice} on {when}, "
            f"{place}.\n\n{join}If you need to change or cancel it, please contact the "
            f"practice.\n\n{practice}\n"
        )
    else:
        subject = f"Reminder: {words} on {fmt_datetime(local)}"
        room = f"Your video room: {video_link}\n\n" if video_link else ""
        body = f"You have a {words} on {when}, {place}.\n\n{room}The details are in KAP Care.\n"
    return Email(subject, body)


def _place(appointment: Appointment) -> str:
    location = appointment.location
    if location is None:
        return "by video (telehealth)"
    address = ", ".join(
        p for p in (location.address_line1, location.address_line2, location.city) if p
    )
    return f"at our {location.name} office ({address}, {location.state} {location.postal_code})"


_DEFAULT = (dt.timedelta(hours=DEFAULT_REMINDER_HOURS), DEFAULT_POLICY.time_zone.value)
_SYSTEM = AuditSource(user=None, source_ip=None)


def _video_room(appointment: Appointment) -> str:
    """The video room of a video session's clinician (the first of its staff with one)."""
    if appointment.modality != Modality.TELEHEALTH.value:
        return ""
    rooms = (
        appointment.staff_links.exclude(staff__video_room_url="")
        .order_by("staff_id")
        .values_list("staff__video_room_url", flat=True)
    )
    return next(iter(rooms), "")


def _practice_settings(
    practice_id: int | None = None,
) -> dict[int, tuple[dt.timedelta, str]]:
    """Each practice's lead time and zone (for telehealth), for those that set them."""
    rows = PracticeSchedulingSettings.objects.all()
    if practice_id is not None:
        rows = rows.filter(practice_id=practice_id)
    return {
        practice_id: (
            dt.timedelta(hours=hours),
            apply_overrides(overrides).time_zone.value,
        )
        for practice_id, hours, overrides in rows.values_list(
            "practice_id", "reminder_hours_before", "overrides"
        )
    }


def _claim(
    appointment: Appointment,
    *,
    recipient: ReminderRecipient,
    now: dt.datetime,
    staff_id: int | None = None,
) -> bool:
    """Record one reminder and queue its mail, or nothing if it was already; True if
    queued."""
    # Imported here: the tasks module imports this one for the work it queues.
    from kapcare.scheduling.tasks import send_reminder

    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                appointment=appointment,
                recipient=recipient.value,
                staff_id=staff_id,
                appointment_start=appointment.start,
                sent_at=now,
            )
            send_reminder.enqueue(reminder.pk)
    except IntegrityError:
        return False  # queued already (by this sweep before, or a concurrent one)
    return True


def queue_due_reminders(*, now: dt.datetime) -> int:
    """Queue every reminder that is due now; how many e-mails were queued."""
    practices = _practice_settings()
    furthest = max([_DEFAULT[0], *(lead for lead, _ in practices.values())])
    due = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED.value, start__gt=now, start__lte=now + furthest
        )
        .select_related("client")
        .prefetch_related("staff_links__staff__user")
        .order_by("start", "pk")
    )
    queued = 0
    for appointment in due:
        lead, _ = practices.get(appointment.client.practice_id, _DEFAULT)
        if appointment.start > now + lead:
            continue
        if appointment.client.email:
            queued += _claim(appointment, recipient=ReminderRecipient.CLIENT, now=now)
        for link in appointment.staff_links.all():
            if link.staff.user.email:
                queued += _claim(
                    appointment, recipient=ReminderRecipient.STAFF, now=now, staff_id=link.staff_id
                )
    return queued


def send_reminder_mail(*, reminder_id: int, now: dt.datetime) -> bool:
    """Send one queued reminder; False when there is nothing to send any more (the
    appointment was cancelled, has moved, or has started).

    A failure to send propagates (the task retries).
    """
    reminder = (
        ReminderSent.objects.filter(pk=reminder_id)
        .select_related("appointment__client__practice", "appointment__location", "staff__user")
        .first()
    )
    if reminder is None:
        return False
    appointment = reminder.appointment
    if (
        appointment.status != AppointmentStatus.BOOKED.value
        or appointment.start != reminder.appointment_start
        or appointment.start <= now
    ):
        return False
    to_client = reminder.recipient == ReminderRecipient.CLIENT.value
    if to_client:
        address = appointment.client.email
    else:
        address = reminder.staff.user.email if reminder.staff is not None else ""
    if not address:
        return False
    practice = appointment.client.practice
    _, practice_zone = _practice_settings(practice.pk).get(practice.pk, _DEFAULT)
    zone = appointment.location.time_zone if appointment.location is not None else practice_zone
    email = compose(
        kind=AppointmentKind(appointment.kind),
        start=appointment.start,
        time_zone=zone,
        place=_place(appointment),
        to_client=to_client,
        practice=practice.name,
        video_link=_video_room(appointment),
    )
    send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [address])
    if to_client:
        record_event(
            source=_SYSTEM,
            action=AuditAction.EXPORT,
            client_id=appointment.client_id,
            category=Category.SCHEDULE,
            detail=f"reminder:appointment:{appointment.pk}",
        )
    return True


def mark_reminder_failed(*, reminder_id: int) -> None:
    """Sending gave up: a failed export in the audit trail, under the appointment's
    client (a staff member's reminder is about the client's session too)."""
    client_id = (
        ReminderSent.objects.filter(pk=reminder_id)
        .values_list("appointment__client_id", flat=True)
        .first()
    )
    record_mail_failure(
        client_id=client_id, category=Category.SCHEDULE, subject=f"reminder:{reminder_id}"
    )
