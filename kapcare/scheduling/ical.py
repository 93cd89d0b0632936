"""A staff member's appointments as an iCalendar feed (RFC 5545) at a secret URL.

The secret is 32 random bytes, shown once; only its SHA-256 is stored, so a copy of the
database does not open anyone's feed. Rotating makes a new secret and revokes the old
one; revoking stops the feed at once. Both are done by the person (settings page) or
front desk, through ``scheduling.access.access_staff``.

Privacy: a calendar app keeps the feed on a phone and syncs it to other services, so
an event says only the appointment's kind, the client's initials, the time and the
place (office and room, or "Telehealth"); never a name, contact detail or anything
clinical. Every fetch that shows clients is an EXPORT event in the audit trail, one
per client, in the feed owner's name.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from icalendar import Calendar, Event

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event, record_events
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.scheduling.access import access_staff
from kapcare.scheduling.models import Appointment, CalendarFeed
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality

__all__ = [
    "FeedEvent",
    "build_calendar",
    "digest",
    "feed_path",
    "find_feed",
    "initials",
    "live_feed",
    "render_feed",
    "revoke_feed",
    "rotate_feed",
]

PAST = dt.timedelta(days=30)
FUTURE = dt.timedelta(days=365)
MAX_SECRET_LENGTH = 100

KIND_WORDS = {
    AppointmentKind.CONSULTATION: "Consultation",
    AppointmentKind.PREPARATION: "Preparation session",
    AppointmentKind.MEDICINE: "Medicine session",
    AppointmentKind.INTEGRATION: "Integration session",
    AppointmentKind.THERAPY: "Therapy session",
}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_path(secret: str) -> str:
    return reverse("scheduling:feed", kwargs={"secret": secret})


def live_feed(staff_id: int) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(staff_id=staff_id, revoked_at__isnull=True).first()


def rotate_feed(*, actor: Actor, staff_id: int, now: dt.datetime) -> tuple[CalendarFeed, str]:
    """A new feed for the person (the old one revoked); the secret is returned only here."""
    member = access_staff(actor, staff_id, change=True, detail=f"calendar_feed:{staff_id}")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(staff=member, revoked_at__isnull=True).update(revoked_at=now)
        feed = CalendarFeed.objects.create(
            staff=member, secret_digest=digest(secret), created_at=now
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            category=Category.SCHEDULE,
            detail=f"calendar_feed:{feed.pk}:staff:{member.pk}",
        )
    return feed, secret


def revoke_feed(*, actor: Actor, staff_id: int, now: dt.datetime) -> int:
    """Revoke the person's live feed; how many were revoked (0 or 1)."""
    member = access_staff(actor, staff_id, change=True, detail=f"calendar_feed:{staff_id}")
    with transaction.atomic():
        revoked = CalendarFeed.objects.filter(staff=member, revoked_at__isnull=True).update(
            revoked_at=now
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.DELETE,
            category=Category.SCHEDULE,
            detail=f"calendar_feed:revoked:staff:{member.pk}:{revoked}",
        )
    return revoked


def find_feed(secret: str) -> CalendarFeed | None:
    """The live feed for ``secret`` (looked up by digest), with its staff member and user."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    return (
        CalendarFeed.objects.filter(
            secret_digest=digest(secret),
            revoked_at__isnull=True,
            staff__is_active=True,
        )
        .select_related("staff__user")
        .first()
    )


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    kind: AppointmentKind
    start: dt.datetime
    end: dt.datetime
    initials: str
    where: str
    status: AppointmentStatus


def initials(given: str, family: str) -> str:
    """``M.L.``: the first letter of each name (the preferred given name if there is one)."""
    letters = [part.strip()[:1].upper() for part in (given, family) if part.strip()]
    return "".join(f"{letter}." for letter in letters)


def build_calendar(
    events: Iterable[FeedEvent], *, name: str, stamp: dt.datetime, host: str = "kapcare"
) -> bytes:
    """The feed as RFC 5545 text: one VEVENT per appointment, nothing else about clients."""
    calendar = Calendar()
    calendar.add("prodid", "-//KAP Care//Staff calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", item.start.astimezone(dt.UTC))
        event.add("dtend", item.end.astimezone(dt.UTC))
        event.add("summary", f"{KIND_WORDS[item.kind]} · {item.initials}".strip(" ·"))
        event.add("location", item.where)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _where(appointment: Appointment) -> str:
    if appointment.modality == Modality.TELEHEALTH.value or appointment.location is None:
        return "Telehealth"
    if appointment.room is not None:
        return f"{appointment.location.name}, {appointment.room.name}"
    return appointment.location.name


def render_feed(feed: CalendarFeed, *, now: dt.datetime, source_ip: str | None) -> bytes:
    """The feed's calendar now, with one EXPORT audit event per client shown."""
    member = feed.staff
    appointments = list(
        Appointment.objects.filter(
            staff_links__staff=member, start__lt=now + FUTURE, end__gt=now - PAST
        )
        .exclude(status=AppointmentStatus.CANCELLED.value)
        .select_related("location", "room")
        .only(
            "pk",
            "kind",
            "start",
            "end",
            "status",
            "modality",
            "client_id",
            "location__name",
            "room__name",
        )
        .order_by("start", "pk")
    )
    names = {
        c["pk"]: initials(c["preferred_name"] or c["legal_given_name"], c["legal_family_name"])
        for c in Client.objects.filter(pk__in={a.client_id for a in appointments}).values(
            "pk", "preferred_name", "legal_given_name", "legal_family_name"
        )
    }
    events = [
        FeedEvent(
            uid=f"appointment-{a.pk}",
            kind=AppointmentKind(a.kind),
            start=a.start,
            end=a.end,
            initials=names.get(a.client_id, ""),
            where=_where(a),
            status=AppointmentStatus(a.status),
        )
        for a in appointments
    ]
    body = build_calendar(events, name=f"KAP Care · {member.name}", stamp=now)
    source = AuditSource(user=member.user, source_ip=source_ip)
    with transaction.atomic():
        record_events(
            source=source,
            action=AuditAction.EXPORT,
            client_ids=sorted(names),
            category=Category.SCHEDULE,
            detail=f"calendar_feed:{feed.pk}",
        )
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
    return body
