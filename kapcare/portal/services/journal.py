"""A client writes intentions and journal entries, and shares one with the care team.

Intentions belong to the next medicine session, a journal entry to the latest one (when
there is one): the client does not have to pick a session, and the care team reads each
entry beside the session it is about. Sharing tells the care team (a notice), never
copies the text anywhere else.
"""

import datetime as dt

from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.people.access import Actor
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.portal.access import own_client, own_record
from kapcare.portal.models import JournalEntry
from kapcare.portal.services.notices import tell_care_team
from kapcare.portal.vocabulary import EntryKind, NoticeKind
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus

__all__ = ["BODY_MAX", "medicine_session_for", "share_entry", "write_entry"]

BODY_MAX = 10_000


def medicine_session_for(
    client: Client, kind: EntryKind, *, now: dt.datetime
) -> Appointment | None:
    """The medicine session an entry is about: the next one for intentions, the latest
    one that has started for a journal entry (one query)."""
    sessions = Appointment.objects.filter(
        client=client,
        kind=AppointmentKind.MEDICINE.value,
        status__in=(AppointmentStatus.BOOKED.value, AppointmentStatus.COMPLETED.value),
    )
    if kind is EntryKind.INTENTION:
        return sessions.filter(start__gt=now).order_by("start", "pk").first()
    return sessions.filter(start__lte=now).order_by("-start", "-pk").first()


def write_entry(
    *, actor: Actor, kind: EntryKind, body: str, share: bool, now: dt.datetime
) -> JournalEntry:
    """Keep what the client wrote (private unless ``share``)."""
    body = body.strip()
    if not body:
        raise FieldError("body", "Write something first; even a few words are enough.")
    if len(body) > BODY_MAX:
        raise FieldError("body", f"Keep one entry to {BODY_MAX:,} characters; start another.")
    client = own_client(
        actor, Category.CLINICAL, action=AuditAction.CREATE, detail=f"portal:{kind.value}"
    )
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            client=client,
            kind=kind.value,
            appointment=medicine_session_for(client, kind, now=now),
            body=body,
            written_at=now,
            shared_at=now if share else None,
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"portal:{kind.value}:{entry.pk}",
        )
        if share:
            _tell(actor, entry, now)
    return entry


def share_entry(*, actor: Actor, entry_id: int, now: dt.datetime) -> JournalEntry:
    """Share one of the client's own entries with their care team (once; sharing again
    changes nothing)."""
    entry = own_record(
        actor,
        JournalEntry.objects.all(),
        entry_id,
        Category.CLINICAL,
        action=AuditAction.UPDATE,
        detail="portal:journal-share",
    )
    with transaction.atomic():
        shared = JournalEntry.objects.filter(pk=entry.pk, shared_at__isnull=True).update(
            shared_at=now
        )
        entry.refresh_from_db()
        if shared:
            record_event(
                source=actor.audit_source,
                action=AuditAction.UPDATE,
                client_id=entry.client_id,
                category=Category.CLINICAL,
                detail=f"portal:{entry.kind}:{entry.pk}:shared",
            )
            _tell(actor, entry, now)
    return entry


def _tell(actor: Actor, entry: JournalEntry, now: dt.datetime) -> None:
    kind = (
        NoticeKind.INTENTIONS_SHARED
        if entry.kind == EntryKind.INTENTION.value
        else NoticeKind.JOURNAL_SHARED
    )
    # The text stays in the entry (read on the chart), never copied into the notice.
    tell_care_team(actor=actor, client=entry.client, kind=kind, now=now)
