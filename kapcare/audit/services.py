"""Writing the audit trail. Every access to client data ends up here."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from kapcare.audit import append_pg
from kapcare.audit.chain import GENESIS_HASH, canonical_ip, event_hash
from kapcare.audit.keys import audit_key
from kapcare.audit.models import AuditAction, AuditChainHead, AuditEvent, AuditOutcome
from kapcare.core import clock

if TYPE_CHECKING:  # the trail sits below accounts (.importlinter): the type only
    from kapcare.accounts.models import User


@dataclass(frozen=True)
class AuditSource:
    """Who is acting and from where; built once per request."""

    user: "User | None"
    source_ip: str | None


def clean_ip(value: str | None) -> str | None:
    """The address as the trail stores it (see ``chain.canonical_ip``), or None."""
    return canonical_ip(value)


def request_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is client-controlled unless a
    # trusted proxy sets it, and the deployment guide puts one in front.
    return clean_ip(request.META.get("REMOTE_ADDR"))


def _now_utc() -> dt.datetime:
    now = clock.now()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("clock.now() must be time-zone aware.")
    return now.astimezone(dt.UTC)


def record_events(
    *,
    source: AuditSource,
    action: AuditAction,
    client_ids: list[int],
    category: str,
    detail: str = "",
) -> None:
    """One event per client (a list page or export), appended in one statement."""
    append_events(
        source=source,
        action=action,
        events=[(client_id, category, detail) for client_id in client_ids],
    )


def append_events(
    *,
    source: AuditSource,
    action: AuditAction,
    events: list[tuple[int | None, str, str]],
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
) -> list[AuditEvent]:
    """Events of one action, each ``(client_id, category, detail)``, appended together.

    Inside the caller's transaction the append is part of it: a change and its events
    commit or roll back together. One write whatever the count: a list page's or a page
    view's reads cost one append, not one per event.
    """
    if not events:
        return []
    # What can fail before the database is touched (a naive clock, no key) is checked
    # first, so it leaves the caller's transaction usable.
    _now_utc()
    key = audit_key()
    if connection.vendor == "postgresql":
        late_commit = _may_commit_late(action)
        for _attempt in range(_COMPARE_AND_SET_TRIES):
            head = append_pg.read_head()
            if head is None:
                append_pg.create_head(GENESIS_HASH)
                continue
            rows = _chained(key, head, source, action, outcome, events)
            if append_pg.insert_if_head_is(head[0], rows, late_commit=late_commit):
                return rows
        # Others kept moving the head first: queue behind its lock like the general way.
    return _append_locked(key, source, action, outcome, events)


# Beyond this many writers moving the head first, wait for its lock instead.
_COMPARE_AND_SET_TRIES = 3


def _may_commit_late(action: AuditAction) -> bool:
    """Whether this append may commit without waiting for the disk (ADR 0031): reads
    only, alone in their transaction, unless the practice asks every event to wait."""
    return (
        action == AuditAction.READ
        and connection.get_autocommit()  # alone: no transaction of the caller's
        and not settings.KAPCARE_AUDIT_READS_WAIT_FOR_DISK
        # Two statements in one message need client-side binding (Django's default).
        and connection.settings_dict["OPTIONS"].get("server_side_binding") is not True
    )


def _append_locked(
    key: bytes,
    source: AuditSource,
    action: AuditAction,
    outcome: AuditOutcome,
    events: list[tuple[int | None, str, str]],
) -> list[AuditEvent]:
    # No savepoint: inside the caller's transaction a failed append fails the whole
    # change, as it must, and a savepoint would cost two more round trips for nothing.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        rows = _chained(key, (head.seq, head.hash), source, action, outcome, events)
        AuditEvent.objects.bulk_create(rows)
        AuditChainHead.objects.filter(id=1).update(seq=rows[-1].seq, hash=rows[-1].hash)
    return rows


def _chained(
    key: bytes,
    head: tuple[int, str],
    source: AuditSource,
    action: AuditAction,
    outcome: AuditOutcome,
    events: list[tuple[int | None, str, str]],
) -> list[AuditEvent]:
    """The events as rows linked onto ``head``, each hashed over the one before it."""
    seq, prev_hash = head
    # Taken after the head was read: times follow the chain's order.
    at = _now_utc()
    source_ip = clean_ip(source.source_ip)
    rows = []
    for client_id, category, detail in events:
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=at,
            actor=source.user,
            client_id=client_id,
            action=action,
            category=category,
            outcome=outcome,
            source_ip=source_ip,
            detail=detail[:200],
            prev_hash=prev_hash,
        )
        event.hash = event_hash(key, prev_hash, event.chain_fields())
        prev_hash = event.hash
        rows.append(event)
    return rows


def record_event(
    *,
    source: AuditSource,
    action: AuditAction,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    client_id: int | None = None,
    category: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event to the chain (in the caller's transaction when there is one)."""
    return append_events(
        source=source, action=action, outcome=outcome, events=[(client_id, category, detail)]
    )[0]


_NO_ONE = AuditSource(user=None, source_ip=None)


def record_mail_failure(*, client_id: int | None, category: str, subject: str) -> AuditEvent:
    """A mail the task queue gave up on (``core.mail_retry``): a failed export in the
    trail, by no one, under the client it was about.

    ``subject`` names the record by kind and id only (``reminder:12``); the event's detail
    is ``<subject>:mail-failed``. Every mail task's ``give_up`` ends here, so staff find
    every undelivered mail the same way.
    """
    return record_event(
        source=_NO_ONE,
        action=AuditAction.EXPORT,
        outcome=AuditOutcome.FAILURE,
        client_id=client_id,
        category=category,
        detail=f"{subject}:mail-failed",
    )
