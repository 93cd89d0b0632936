"""``manage.py verify_audit``: passes on an intact trail, names the first broken link.

Tampering is done the way an intruder with database access would: raw SQL,
past the ORM's append-only guard.
"""

import datetime as dt
from io import StringIO

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
    # Given an intruder who changes event 3 and writes a matching hash for it
    from kapcare.audit.chain import event_hash

    event = AuditEvent.objects.get(seq=3)
    event.detail = "nothing to see"
    forged = event_hash(event.prev_hash, event.chain_fields())
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
