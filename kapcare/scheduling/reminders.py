"""Reminder e-mails before appointments, to the client and to each staff member on it.

:func:`send_due_reminders` sends every reminder that is due: booked appointments that
start within the practice's lead time (``PracticeSchedulingSettings.reminder_hours_before``,
24 hours by default) and have not started. It is idempotent: a ``ReminderSent`` row,
unique per appointment, recipient and appointment *start*, is inserted in the same
transaction as the e-mail is sent (a failed send rolls it back, so the next sweep tries
again; a concurrent sweep's insert fails, so nothing goes twice). A cancelled (or
no-show, completed) appointment is no longer booked and gets nothing more; a
rescheduled one has a new start, so it is reminded of again at its new time.

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
from kapcare.audit.services import AuditSource, record_event
from kapcare.people.policy import Category
from kapcare.scheduling.facts import DEFAULT_REMINDER_HOURS
from kapcare.scheduling.models import Appointment, PracticeSchedulingSettings, ReminderSent
from kapcare.scheduling.practice_settings import apply_overrides
from kapcare.scheduling.thresholds import DEFAULT_POLICY
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, ReminderRecipient

__all__ = ["CLIENT_WORDS", "Email", "compose", "send_due_reminders"]

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
) -> Email:
    """The reminder's subject and text (pure: everything it says is passed in)."""
    local = start.astimezone(zoneinfo.ZoneInfo(time_zone))
    when = f"{local:%A %-d %B %Y} at {local:%H:%M} ({local:%Z})"
    words = CLIENT_WORDS[kind]
    if to_client:
        subject = f"Reminder: your {words} on {local:%a %-d %b} at {local:%H:%M}"
        body = (
            f"Hello,\n\nThis is a reminder of your {words} with {practice} on {when}, "
            f"{place}.\n\nIf you need to change or cancel it, please contact the practice.\n\n"
            f"{practice}\n"
        )
    else:
        subject = f"Reminder: {words} on {local:%a %-d %b} at {local:%H:%M}"
        body = f"You have a {words} on {when}, {place}.\n\nThe details are in KAP Care.\n"
    return Email(subject, body)


def _place(appointment: Appointment) -> str:
    location = appointment.location
    if location is None:
        return "by video (telehealth)"
    address = ", ".join(
        p for p in (location.address_line1, location.address_line2, location.city) if p
    )
    return f"at our {location.name} office ({address}, {location.state} {location.postal_code})"


def _practice_settings() -> dict[int, tuple[dt.timedelta, str]]:
    """Each practice's lead time and zone (for telehealth), for those that set them."""
    return {
        practice_id: (
            dt.timedelta(hours=hours),
            apply_overrides(overrides).time_zone.value,
        )
        for practice_id, hours, overrides in PracticeSchedulingSettings.objects.values_list(
            "practice_id", "reminder_hours_before", "overrides"
        )
    }


def _send_once(
    appointment: Appointment,
    *,
    recipient: ReminderRecipient,
    address: str,
    email: Email,
    now: dt.datetime,
    staff_id: int | None = None,
) -> bool:
    """Record and send one reminder, or nothing if it was already sent; True if sent."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                appointment=appointment,
                recipient=recipient.value,
                staff_id=staff_id,
                appointment_start=appointment.start,
                sent_at=now,
            )
            send_mail(
                email.subject,
                email.body,
                settings.DEFAULT_FROM_EMAIL,
                [address],
                fail_silently=False,
            )
            if recipient is ReminderRecipient.CLIENT:
                record_event(
                    source=AuditSource(user=None, source_ip=None),
                    action=AuditAction.EXPORT,
                    client_id=appointment.client_id,
                    category=Category.SCHEDULE,
                    detail=f"reminder:appointment:{appointment.pk}",
                )
    except IntegrityError:
        return False  # sent already (by this sweep before, or a concurrent one)
    return True


def send_due_reminders(*, now: dt.datetime) -> int:
    """Send every reminder that is due now; how many e-mails went out."""
    practices = _practice_settings()
    default = (dt.timedelta(hours=DEFAULT_REMINDER_HOURS), DEFAULT_POLICY.time_zone.value)
    furthest = max([default[0], *(lead for lead, _ in practices.values())])
    due = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED.value, start__gt=now, start__lte=now + furthest
        )
        .select_related("client__practice", "location")
        .prefetch_related("staff_links__staff__user")
        .order_by("start", "pk")
    )
    sent = 0
    for appointment in due:
        practice = appointment.client.practice
        lead, practice_zone = practices.get(practice.pk, default)
        if appointment.start > now + lead:
            continue
        zone = appointment.location.time_zone if appointment.location is not None else practice_zone

        def email(
            to_client: bool, appointment: Appointment = appointment, zone: str = zone
        ) -> Email:
            return compose(
                kind=AppointmentKind(appointment.kind),
                start=appointment.start,
                time_zone=zone,
                place=_place(appointment),
                to_client=to_client,
                practice=appointment.client.practice.name,
            )

        if appointment.client.email:
            sent += _send_once(
                appointment,
                recipient=ReminderRecipient.CLIENT,
                address=appointment.client.email,
                email=email(True),
                now=now,
            )
        for link in appointment.staff_links.all():
            if link.staff.user.email:
                sent += _send_once(
                    appointment,
                    recipient=ReminderRecipient.STAFF,
                    address=link.staff.user.email,
                    email=email(False),
                    now=now,
                    staff_id=link.staff_id,
                )
    return sent
