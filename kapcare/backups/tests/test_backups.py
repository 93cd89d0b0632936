"""manage.py backup / restore / verify_backup (issue 12; ADR 0025), on the database the
suite runs on: SQLite's online backup API, or pg_dump / pg_restore on PostgreSQL (CI runs
the suite on both)."""

import hashlib
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.audit.services import AuditSource, record_event
from kapcare.audit.verify import verify_chain
from kapcare.people.models import Client
from tests.factories import make_client, make_practice

ON_POSTGRESQL = connection.vendor == "postgresql"

pytestmark = [
    pytest.mark.django_db(transaction=True),  # a restore cannot run inside a transaction
    pytest.mark.skipif(
        ON_POSTGRESQL and shutil.which("pg_dump") is None,
        reason="pg_dump is not installed (Debian: postgresql-client)",
    ),
]


def _events(count: int, detail: str) -> None:
    for n in range(count):
        record_event(
            source=AuditSource(user=None, source_ip=None),
            action=AuditAction.READ,
            detail=f"{detail}:{n}",
        )


def _run(*args: Any, **options: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def backup(tmp_path: Path) -> Path:
    make_client(practice=make_practice(), legal_family_name="Beforesson")
    _events(4, "before")
    path = tmp_path / ("kapcare.dump" if ON_POSTGRESQL else "kapcare.sqlite3")
    said = _run("backup", output=path)
    assert f"Backup written: {path}" in said
    assert "audit trail up to event 4" in said
    return path


def test_the_backup_is_one_private_file_with_its_sha256(backup: Path) -> None:
    magic = b"PGDMP" if ON_POSTGRESQL else b"SQLite format 3\x00"
    assert backup.read_bytes().startswith(magic)
    assert backup.stat().st_mode & 0o077 == 0  # it holds every client's record
    sidecar = backup.with_name(backup.name + ".sha256")
    assert (
        sidecar.read_text() == f"{hashlib.sha256(backup.read_bytes()).hexdigest()}  {backup.name}\n"
    )
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name, sidecar.name]


def test_restore_brings_back_the_backup_and_its_trail_verifies(backup: Path) -> None:
    make_client(practice=make_practice(), legal_family_name="Aftersson")
    _events(3, "after")
    said = _run("restore", backup, yes=True)
    assert "Restored" in said
    assert sorted(Client.objects.values_list("legal_family_name", flat=True)) == ["Beforesson"]
    assert AuditEvent.objects.count() == 4
    assert verify_chain() is None
    # And the restored database takes new writes on from the restored head.
    _events(1, "later")
    assert verify_chain() is None


def test_backup_verify_restores_into_a_scratch_database_and_runs_verify_audit(
    tmp_path: Path,
) -> None:
    _events(3, "trail")
    said = _run("backup", output=tmp_path / "checked", verify=True)
    assert "Backup verified in a scratch database: Audit chain intact: 3 events verified." in said


def test_a_backup_of_a_tampered_trail_does_not_verify(tmp_path: Path) -> None:
    _events(5, "trail")
    with connection.cursor() as cursor:
        if ON_POSTGRESQL:  # the append-only trigger refuses a DELETE: a superuser disables it
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 3")
        if ON_POSTGRESQL:
            cursor.execute("SET session_replication_role = DEFAULT")
    path = tmp_path / "tampered"
    call_command("backup", output=path, stdout=io.StringIO())
    with pytest.raises(
        CommandError,
        match=r"^The backup does not verify: it restores, but its audit trail does not verify: "
        r"Audit chain broken at event 3: event 3 is missing\.$",
    ):
        call_command("verify_backup", path, stdout=io.StringIO())


def test_a_backup_changed_after_it_was_written_is_refused(backup: Path) -> None:
    content = bytearray(backup.read_bytes())
    content[-100] ^= 0xFF
    backup.write_bytes(bytes(content))
    with pytest.raises(CommandError, match="has changed since it was written"):
        call_command("verify_backup", backup)
    with pytest.raises(CommandError, match=r"Nothing restored: .* has changed since"):
        call_command("restore", backup, yes=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No backup file at"),
        (b"not a backup at all", "is not a KAP Care backup"),
        # The start of a real backup, cut short (and no .sha256 beside it).
        ("cut", "damaged|failed"),
    ],
)
def test_a_missing_foreign_or_damaged_file_restores_nothing(
    backup: Path, tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    bad = tmp_path / "bad" / "file"
    bad.parent.mkdir()
    if content == "cut":
        bad.write_bytes(backup.read_bytes()[:2048])
    elif isinstance(content, bytes):
        bad.write_bytes(content)
    _events(2, "after")
    with pytest.raises(CommandError, match=f"Nothing restored: .*({message})"):
        call_command("restore", bad, yes=True)
    with pytest.raises(CommandError, match=f"does not verify: .*({message})"):
        call_command("verify_backup", bad)
    assert AuditEvent.objects.count() == 6  # nothing was touched


def test_restore_asks_before_replacing_everything(backup: Path) -> None:
    with pytest.raises(CommandError, match="give --yes to confirm"):
        call_command("restore", backup)  # stdin is not a terminal here


def test_a_backup_never_overwrites_a_file(backup: Path) -> None:
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=backup)
