"""Appending to the chain on PostgreSQL in one statement, without holding a lock.

The general way (``services._append_locked``) locks the chain's head, inserts, moves the
head and commits: five round trips with every other writer of the trail queued behind
the lock, on every request that reads a record. Here the head is read without a lock and
the events go in with one statement that moves the head only if it is still where it was
read ("compare and set"); if another writer moved it first, nothing is written and the
caller reads the head again. The lock is held for one statement instead of a transaction.

Alone (not inside the caller's transaction) and holding only reads, the append is sent
with ``SET LOCAL synchronous_commit TO off`` in the same message: see
docs/decisions/0031-audit-append-without-waiting.md for what that trades.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection

from kapcare.audit.models import AuditChainHead, AuditEvent

# The events' values go as one array per column, unnested into rows: one statement
# whatever the count. Written out (not built from the model) so it reads as sent.
_ATTNAMES = (
    "seq", "at", "actor_id", "client_id", "action", "category",
    "outcome", "source_ip", "detail", "prev_hash", "hash",
)  # fmt: skip
_CAS = """
WITH moved AS (
    UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1 AND seq = %s RETURNING id
)
INSERT INTO audit_auditevent (
    seq, at, actor_id, client_id, action, category,
    outcome, source_ip, detail, prev_hash, hash
)
SELECT e.* FROM moved, unnest(
    %s::bigint[], %s::timestamptz[], %s::bigint[], %s::bigint[], %s::text[], %s::text[],
    %s::text[], %s::inet[], %s::text[], %s::text[], %s::text[]
) AS e
RETURNING id, seq
"""
_LATE = "SET LOCAL synchronous_commit TO off;"


def read_head() -> tuple[int, str] | None:
    return AuditChainHead.objects.filter(id=1).values_list("seq", "hash").first()


def create_head(genesis_hash: str) -> None:
    """The chain's head before its first event (another writer may have made it)."""
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(id=1, seq=0, hash=genesis_hash)], ignore_conflicts=True
    )


def insert_if_head_is(head_seq: int, rows: Sequence[AuditEvent], *, late_commit: bool) -> bool:
    """Insert ``rows`` (chained onto the head at ``head_seq``) and move the head past them,
    if the head is still at ``head_seq``; whether it was. Sets each row's id.

    ``late_commit`` (only outside a transaction) lets the commit return before it is on
    disk; the statement itself is still atomic.
    """
    last = rows[-1]
    params: list[Any] = [last.seq, last.hash, head_seq]
    params += [[getattr(row, attname) for row in rows] for attname in _ATTNAMES]
    with connection.cursor() as cursor:
        cursor.execute((_LATE + _CAS) if late_commit else _CAS, params)
        if late_commit:
            cursor.nextset()  # past the SET's empty result, to the insert's
        inserted = dict((seq, pk) for pk, seq in cursor.fetchall())
    if not inserted:
        return False
    for row in rows:
        row.pk = inserted[row.seq]
        row._state.adding = False
    return True
