"""audit 0002: a trail chained with plain SHA-256 is re-keyed (HMAC under the audit key),
and verifies afterwards; a trail already broken stops the migration, naming the event."""

import datetime as dt
import hashlib
import importlib
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kapcare.audit.verify import verify_chain

BEFORE = [("audit", "0001_initial")]
rekey_migration = importlib.import_module(
    "kapcare.audit.migrations.0002_keyed_chain_and_append_only_trigger"
)


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.fixture
def at_0001() -> Iterator[MigrationExecutor]:
    latest = _executor().loader.graph.leaf_nodes()
    executor = _executor()
    executor.migrate(BEFORE)
    try:
        yield executor
    finally:
        # Whatever the test left, back to the schema. On PostgreSQL the append-only trigger
        # (installed when the test migrated forward) refuses DELETE; TRUNCATE is a table's
        # end, as the test database's own flush does.
        empty = "TRUNCATE {}" if connection.vendor == "postgresql" else "DELETE FROM {}"
        with connection.cursor() as cursor:
            cursor.execute(empty.format("audit_auditevent"))
            cursor.execute(empty.format("audit_auditchainhead"))
        _executor().migrate(latest)


def _old_trail(executor: MigrationExecutor, count: int, *, break_at: int | None = None) -> None:
    """``count`` events chained the old way (plain SHA-256), as 0001's schema held them."""
    apps = executor.loader.project_state(BEFORE[0]).apps
    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditChainHead")
    prev = rekey_migration.GENESIS
    at = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    for seq in range(1, count + 1):
        event = event_model(
            seq=seq,
            at=at + dt.timedelta(minutes=seq),
            client_id=seq,
            action="read",
            category="clinical",
            outcome="success",
            source_ip="10.0.0.1",
            detail="page:chart",
            prev_hash=prev,
        )
        event.hash = hashlib.sha256(rekey_migration._payload(prev, event)).hexdigest()
        if seq == break_at:
            event.detail = "page:changed-afterwards"  # the hash no longer covers it
        event.save()
        prev = event.hash
    head_model.objects.create(id=1, seq=count, hash=prev)


@pytest.mark.django_db(transaction=True)
def test_an_old_trail_is_rekeyed_and_verifies(at_0001: MigrationExecutor) -> None:
    _old_trail(at_0001, 5)
    _executor().migrate(_executor().loader.graph.leaf_nodes())
    assert verify_chain() is None
    # under another key it does not verify: the chain is keyed now
    assert verify_chain(b"another key, not the practice's") is not None


@pytest.mark.django_db(transaction=True)
def test_a_broken_trail_stops_the_migration(at_0001: MigrationExecutor) -> None:
    _old_trail(at_0001, 5, break_at=3)
    with pytest.raises(RuntimeError, match="already broken at event 3"):
        _executor().migrate([("audit", "0002_keyed_chain_and_append_only_trigger")])
