"""Writing the audit trail. Every access to client data ends up here."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from kapcare.accounts.models import User
from kapcare.audit.chain import GENESIS_HASH, canonical_ip, event_hash
from kapcare.audit.models import AuditAction, AuditChainHead, AuditEvent, AuditOutcome
from kapcare.core import clock


@dataclass(frozen=True)
class AuditSource:
    """Who is acting and from where; built once per request."""

    user: User | None
    source_ip: str | None


def clean_ip(value: str | None) -> str | None:
    """The address as the trail stores it (see ``chain.canonical_ip``), or None."""
    return canonical_ip(value)


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
    if not client_ids:
        return
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        at = _now_utc()
        prev_hash, seq = head.hash, head.seq
        events = []
        for client_id in client_ids:
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
            event.hash = event_hash(prev_hash, event.chain_fields())
            prev_hash = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
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
    its audit row commit or roll back together.
    """
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        event = AuditEvent(
            seq=head.seq + 1,
            at=_now_utc(),
            actor=source.user,
            client_id=client_id,
            action=action,
            category=category,
            outcome=outcome,
            source_ip=clean_ip(source.source_ip),
            detail=detail[:200],
            prev_hash=head.hash,
        )
        event.hash = event_hash(head.hash, event.chain_fields())
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
        return event
