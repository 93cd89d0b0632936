"""``manage.py verify_audit``: passes on an intact trail, names the first broken link.

Tampering is done the way an intruder with database access would: raw SQL,
past the ORM's append-only guard (and, on PostgreSQL, past the trigger, as the
database's owner can). The intruder does not hold ``KAPCARE_AUDIT_KEY``.
"""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kapcare.audit.management.commands.verify_audit import Command
from kapcare.audit.models import AuditAction, AuditChainHead, AuditEvent
from kapcare.audit.services import AuditSource, record_event
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EVENTS = 6


@pytest.fixture
def trail() -> list[AuditEvent]:
    user = make_user()
    return [
        record_event(
            source=AuditSource(user=user, source_ip="192.0.2.1"),
            action=AuditAction.READ,
            client_id=100 + n,
            category="demographics",
            detail=f"page:chart:{n}",
        )
        for n in range(1, EVENTS + 1)
    ]


def _sql(statement: str, *params: str | int | dt.datetime | None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # An owner of the database can turn triggers off for a session; the chain
            # must still tell.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)


def _table(model: type[AuditEvent] | type[AuditChainHead]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken(message: str) -> None:
    with pytest.raises(CommandError, match=message):
        verify()


def test_an_intact_trail_passes(trail: list[AuditEvent]) -> None:
    assert verify().strip() == f"Audit chain intact: {EVENTS} events verified."


def test_an_empty_trail_passes() -> None:
    assert verify().strip() == "Audit chain intact: 0 events verified."


def test_a_row_altered_with_raw_sql_is_the_first_broken_link(trail: list[AuditEvent]) -> None:
    _sql(f"UPDATE {_table(AuditEvent)} SET detail = %s WHERE seq = %s", "nothing to see", 3)
    broken(r"Audit chain broken at event 3: its contents do not match its hash\.")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("client_id", 999),
        ("actor_id", None),
        ("action", "update"),
        ("category", "clinical"),
        ("outcome", "denied"),
        ("source_ip", "203.0.113.5"),
    ],
)
def test_any_hashed_column_altered_is_found(
    trail: list[AuditEvent], column: str, value: str | int | None
) -> None:
    _sql(f"UPDATE {_table(AuditEvent)} SET {column} = %s WHERE seq = %s", value, 4)
    broken("Audit chain broken at event 4: its contents do not match its hash")


def test_a_moved_time_is_found(trail: list[AuditEvent]) -> None:
    _sql(
        f"UPDATE {_table(AuditEvent)} SET at = %s WHERE seq = %s",
        trail[1].at.replace(year=2020),
        2,
    )
    broken("Audit chain broken at event 2: its contents do not match its hash")


def test_the_earliest_of_several_alterations_is_reported(trail: list[AuditEvent]) -> None:
    _sql(f"UPDATE {_table(AuditEvent)} SET detail = 'x' WHERE seq IN (2, 5)")
    broken("Audit chain broken at event 2:")


def test_a_row_whose_hash_was_recomputed_breaks_the_next_link(trail: list[AuditEvent]) -> None:
    # Given an intruder who changes event 3 and writes a matching hash for it (with the key)
    from kapcare.audit.chain import event_hash
    from kapcare.audit.keys import audit_key

    event = AuditEvent.objects.get(seq=3)
    event.detail = "nothing to see"
    forged = event_hash(audit_key(), event.prev_hash, event.chain_fields())
    _sql(
        f"UPDATE {_table(AuditEvent)} SET detail = %s, hash = %s WHERE seq = %s",
        "nothing to see",
        forged,
        3,
    )
    broken("Audit chain broken at event 4: its previous-hash does not match")


def test_a_row_deleted_in_the_middle_is_named(trail: list[AuditEvent]) -> None:
    _sql(f"DELETE FROM {_table(AuditEvent)} WHERE seq = %s", 3)
    broken(r"Audit chain broken at event 3: event 3 is missing\.")


def test_the_first_row_deleted_is_named(trail: list[AuditEvent]) -> None:
    _sql(f"DELETE FROM {_table(AuditEvent)} WHERE seq = %s", 1)
    broken("Audit chain broken at event 1: event 1 is missing")


def test_rows_deleted_from_the_end_are_found_through_the_head(trail: list[AuditEvent]) -> None:
    # Tail truncation leaves a chain that links perfectly; only the head knows.
    _sql(f"DELETE FROM {_table(AuditEvent)} WHERE seq > %s", 4)
    broken(
        r"Audit chain broken at event 5: events after it are missing from the end of the trail\."
    )


def test_the_last_row_deleted_is_found(trail: list[AuditEvent]) -> None:
    _sql(f"DELETE FROM {_table(AuditEvent)} WHERE seq = %s", EVENTS)
    broken(f"Audit chain broken at event {EVENTS}:")


def test_every_row_deleted_is_found(trail: list[AuditEvent]) -> None:
    _sql(f"DELETE FROM {_table(AuditEvent)}")
    broken("Audit chain broken at event 1: events after it are missing")


def test_a_removed_head_is_found(trail: list[AuditEvent]) -> None:
    _sql(f"DELETE FROM {_table(AuditChainHead)}")
    broken(f"Audit chain broken at event {EVENTS + 1}:")


def test_a_head_moved_back_is_found(trail: list[AuditEvent]) -> None:
    _sql(f"UPDATE {_table(AuditChainHead)} SET seq = %s, hash = %s", 4, trail[3].hash)
    broken(f"Audit chain broken at event {EVENTS + 1}:")


def test_appending_after_a_check_keeps_it_intact(trail: list[AuditEvent]) -> None:
    verify()
    record_event(source=AuditSource(user=None, source_ip=None), action=AuditAction.LOGIN)
    assert verify().strip() == f"Audit chain intact: {EVENTS + 1} events verified."


def test_a_broken_trail_exits_non_zero(trail: list[AuditEvent]) -> None:
    # The command line path: CommandError becomes exit status 1 and a message on stderr.
    _sql(f"UPDATE {_table(AuditEvent)} SET detail = %s WHERE seq = %s", "x", 2)
    command = Command(stdout=StringIO(), stderr=StringIO())
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["manage.py", "verify_audit"])
    assert exit_.value.code == 1


def test_an_intact_trail_exits_zero(trail: list[AuditEvent]) -> None:
    command = Command(stdout=StringIO(), stderr=StringIO())
    command.run_from_argv(["manage.py", "verify_audit"])  # no SystemExit


# ---------------------------------------------------------------- the key (finding 2)


def _rechain_without_the_key(start: int) -> None:
    """What the attack run did: delete rows, recompute every hash with SHA-256, move the head."""
    import hashlib
    import json

    from kapcare.audit.chain import HASHED_FIELDS

    prev = AuditEvent.objects.get(seq=start - 1).hash if start > 1 else "0" * 64
    for event in AuditEvent.objects.filter(seq__gte=start).order_by("seq"):
        payload = json.dumps(
            [prev, *(event.chain_fields()[n] for n in HASHED_FIELDS)],
            separators=(",", ":"),
            default=str,
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()
        _sql(
            f"UPDATE {_table(AuditEvent)} SET prev_hash = %s, hash = %s WHERE seq = %s",
            prev,
            digest,
            event.seq,
        )
        prev = digest
    _sql(f"UPDATE {_table(AuditChainHead)} SET hash = %s", prev)


def test_a_trail_rechained_without_the_key_is_found(trail: list[AuditEvent]) -> None:
    # Given an intruder who deletes the last events and recomputes the chain by hand
    _sql(f"DELETE FROM {_table(AuditEvent)} WHERE seq > %s", 4)
    _sql(f"UPDATE {_table(AuditChainHead)} SET seq = %s", 4)
    _rechain_without_the_key(1)
    # Then the very first event no longer matches its keyed hash
    broken("Audit chain broken at event 1: its contents do not match its hash")


def test_the_wrong_key_fails(trail: list[AuditEvent], monkeypatch: pytest.MonkeyPatch) -> None:
    from kapcare.audit import keys

    monkeypatch.setenv(keys.AUDIT_KEY, "ab" * 32)
    keys.forget_key()
    try:
        broken("Audit chain broken at event 1: its contents do not match its hash")
    finally:
        monkeypatch.delenv(keys.AUDIT_KEY)
        keys.forget_key()
    assert "intact" in verify()


def test_a_checkpoint_is_signed_and_checked(trail: list[AuditEvent], tmp_path: Path) -> None:
    saved = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", output=saved, stderr=StringIO())
    data = json.loads(saved.read_text())
    assert data["seq"] == EVENTS
    assert data["hash"] == trail[-1].hash
    record_event(source=AuditSource(user=None, source_ip=None), action=AuditAction.LOGIN)
    out = StringIO()
    call_command("verify_audit", checkpoint=saved, stdout=out)
    assert f"Checkpoint at event {EVENTS} is genuine and still held." in out.getvalue()


def test_a_checkpoint_catches_a_trail_rewritten_with_the_key(
    trail: list[AuditEvent], tmp_path: Path
) -> None:
    # Given a checkpoint kept away from the database
    saved = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", output=saved, stderr=StringIO())
    # When someone who holds the key cuts the trail and rechains it consistently
    from kapcare.audit.chain import event_hash
    from kapcare.audit.keys import audit_key

    _sql(f"DELETE FROM {_table(AuditEvent)} WHERE seq >= %s", 3)
    prev = trail[1].hash
    for n in range(3, EVENTS + 1):
        fields = {**trail[n - 1].chain_fields(), "detail": "rewritten"}
        digest = event_hash(audit_key(), prev, fields)
        _sql(
            f"INSERT INTO {_table(AuditEvent)} (seq, at, actor_id, client_id, action, category, "
            "outcome, source_ip, detail, prev_hash, hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            n, trail[n - 1].at, trail[n - 1].actor_id, trail[n - 1].client_id, "read",
            "demographics", "success", "192.0.2.1", "rewritten", prev, digest,
        )  # fmt: skip
        prev = digest
    _sql(f"UPDATE {_table(AuditChainHead)} SET hash = %s", prev)
    # Then the chain links, but the checkpoint does not match
    assert "intact" in verify()
    with pytest.raises(CommandError, match="no longer has the hash the checkpoint recorded"):
        call_command("verify_audit", checkpoint=saved, stdout=StringIO())


def test_a_forged_checkpoint_is_refused(trail: list[AuditEvent], tmp_path: Path) -> None:
    saved = tmp_path / "checkpoint.json"
    saved.write_text(json.dumps({"seq": 2, "hash": trail[1].hash, "mac": "0" * 64}))
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("verify_audit", checkpoint=saved, stdout=StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_of_audit_rows(trail: list[AuditEvent]) -> None:
    from django.db import DatabaseError, transaction

    for statement in (
        f"UPDATE {_table(AuditEvent)} SET detail = 'x' WHERE seq = 2",
        f"DELETE FROM {_table(AuditEvent)} WHERE seq = 2",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEvent.objects.filter(seq=2, detail=trail[1].detail).exists()
