"""Writing the audit trail. Every access to client data ends up here."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest

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
) -> None:
    """Events of one action, each ``(client_id, category, detail)``, appended together.

    One lock of the chain's head, one insert, one update of the head, whatever the count:
    a list page's or a page view's reads cost three statements, not three per event.
    """
    if not events:
        return
    # No savepoint: inside the caller's transaction the append is part of it (a failed
    # append fails the whole change, as it must), and a savepoint would cost two more
    # round trips for nothing; alone, it is still its own transaction. What can fail
    # before the database is touched (a naive clock, no key) is checked first, so it
    # leaves the caller's transaction usable.
    _now_utc()  # a bad clock or key fails before any write (see above)
    key = audit_key()
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        at = _now_utc()  # taken under the lock: times follow the chain's order
        prev_hash, seq = head.hash, head.seq
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
                outcome=AuditOutcome.SUCCESS,
                source_ip=clean_ip(source.source_ip),
                detail=detail[:200],
                prev_hash=prev_hash,
            )
            event.hash = event_hash(key, prev_hash, event.chain_fields())
            prev_hash = event.hash
            rows.append(event)
        AuditEvent.objects.bulk_create(rows)
        AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev_hash)


def record_event(
    *,
    source: AuditSource,
    action: AuditAction,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    client_id: int | None = None,
    category: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event to the chain.

    Runs inside the caller's transaction when there is one, so a change and
    its audit row commit or roll back together (no savepoint: see ``append_events``).
    """
    _now_utc()  # a bad clock or key fails before any write (see append_events)
    key = audit_key()
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        event = AuditEvent(
            seq=head.seq + 1,
            at=_now_utc(),  # taken under the lock: times follow the chain's order
            actor=source.user,
            client_id=client_id,
            action=action,
            category=category,
            outcome=outcome,
            source_ip=clean_ip(source.source_ip),
            detail=detail[:200],
            prev_hash=head.hash,
        )
        event.hash = event_hash(key, head.hash, event.chain_fields())
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
        return event


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
