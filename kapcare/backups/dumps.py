"""Backing up, restoring and checking the database, on SQLite and PostgreSQL (ADR 0025).

- SQLite: the online backup API (``sqlite3.Connection.backup``), page by page from the
  live connection: consistent while KAP Care runs, WAL included (copying the file is not).
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore``, with the connection's own
  host, port, user and password passed in the environment (never on a command line).

Each backup is written beside itself first and renamed into place, readable by its owner
only (it holds every client's record), with a ``.sha256`` file in ``sha256sum`` form. A
backup is *verified* by restoring it into a scratch database and running
``verify_audit`` there, in its own process, under the same audit key: a backup that
cannot be restored, or whose audit trail does not verify, fails.
"""

import datetime as dt
import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection, connections

from kapcare.audit.keys import AUDIT_KEY, audit_key
from kapcare.audit.models import AuditChainHead

__all__ = [
    "Backup",
    "BackupError",
    "Verified",
    "backup_to",
    "default_backup_path",
    "postgres_url",
    "restore_from",
    "verify_backup",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
SQLITE, POSTGRESQL = "sqlite", "postgresql"
# A database of KAP Care has this table; a backup without it is of something else.
MIGRATIONS_TABLE = "django_migrations"
# Bounds for the external tools: a hung pg_dump must not hang a nightly job forever.
TOOL_TIMEOUT = 3600


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str
    size: int
    sha256: str
    audit_seq: int


@dataclass(frozen=True)
class Verified:
    path: Path
    kind: str
    report: str  # what verify_audit said about the restored trail


def _kind(db: Mapping[str, object] | None = None) -> str:
    engine = str((db or connection.settings_dict)["ENGINE"])
    if engine.endswith("sqlite3"):
        return SQLITE
    if engine.endswith("postgresql"):
        return POSTGRESQL
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def default_backup_path(now: dt.datetime) -> Path:
    suffix = ".sqlite3" if _kind() == SQLITE else ".dump"
    return Path(settings.VAR_DIR) / "backups" / f"kapcare-{now:%Y%m%d-%H%M%S}{suffix}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs (Debian: "
            "postgresql-client) in the same major version as the server."
        )
    return found


def _pg_env(db: Mapping[str, object]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    if isinstance(options, Mapping) and options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _run(args: list[str], env: Mapping[str, str], what: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 -- a fixed program, arguments as a list
            args, env=dict(env), capture_output=True, text=True, timeout=TOOL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} took longer than {TOOL_TIMEOUT} seconds.") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else 'no message'}")
    return done.stdout


# --- backing up ---------------------------------------------------------------------------


def backup_to(path: Path) -> Backup:
    """A consistent copy of the database in ``path`` (refuses to overwrite a file)."""
    if path.exists():
        raise BackupError(f"{path} already exists: give a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    kind = _kind()
    head = AuditChainHead.objects.filter(id=1).first()
    try:
        if kind == SQLITE:
            _sqlite_backup(partial)
        else:
            _pg_dump(partial)
        partial.chmod(0o600)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    sha256 = _sha256(path)
    _sidecar(path).write_text(f"{sha256}  {path.name}\n")
    _sidecar(path).chmod(0o600)
    return Backup(
        path=path,
        kind=kind,
        size=path.stat().st_size,
        sha256=sha256,
        audit_seq=head.seq if head else 0,
    )


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    live = connection.connection
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        # The live database is in WAL mode and the copy inherits it: a backup is one
        # self-contained file, so it goes back to a rollback journal.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _pg_dump(target: Path) -> None:
    db = connection.settings_dict
    _run(
        [_tool("pg_dump"), "--format=custom", f"--file={target}", "--dbname", str(db["NAME"])],
        _pg_env(db),
        "pg_dump",
    )


# --- reading a backup file ------------------------------------------------------------------


def _file_kind(path: Path) -> str:
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    with path.open("rb") as handle:
        start = handle.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return SQLITE
    if start.startswith(PG_DUMP_MAGIC):
        return POSTGRESQL
    raise BackupError(
        f"{path} is not a KAP Care backup (neither an SQLite database nor a pg_dump "
        "custom-format file)."
    )


def _check_sidecar(path: Path) -> None:
    sidecar = _sidecar(path)
    if not sidecar.exists():
        return  # a backup copied without it is still checked by restoring it
    expected = sidecar.read_text().split()[0] if sidecar.read_text().split() else ""
    if _sha256(path) != expected:
        raise BackupError(
            f"{path} has changed since it was written: its SHA-256 is not the one in "
            f"{sidecar.name}. Use another backup."
        )


def _open_sqlite_backup(path: Path) -> sqlite3.Connection:
    """The backup, read-only, once it is known to be a whole KAP Care database."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = source.execute("PRAGMA integrity_check").fetchone()
        tables = source.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
            (MIGRATIONS_TABLE,),
        ).fetchone()
    except sqlite3.DatabaseError as error:
        source.close()
        raise BackupError(f"{path} is damaged: {error}.") from None
    if verdict != ("ok",):
        source.close()
        raise BackupError(f"{path} is damaged: SQLite's integrity check says {verdict[0]}.")
    if tables != (1,):
        source.close()
        raise BackupError(f"{path} is an SQLite database, but not one of KAP Care.")
    return source


def _check_pg_dump(path: Path) -> None:
    _run([_tool("pg_restore"), "--list", str(path)], os.environ, f"Reading {path}")


def _readable(path: Path) -> str:
    kind = _file_kind(path)
    _check_sidecar(path)
    if kind == POSTGRESQL:
        _check_pg_dump(path)
    else:
        _open_sqlite_backup(path).close()
    return kind


# --- restoring ------------------------------------------------------------------------------


def restore_from(path: Path) -> str:
    """Replace the database's contents with the backup's. Checks the file first, so a
    missing, foreign or damaged file changes nothing."""
    kind = _readable(path)
    if kind != _kind():
        raise BackupError(
            f"{path} is a {kind} backup, but this KAP Care runs on {_kind()}: restore it "
            "into a database of the same kind."
        )
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if kind == SQLITE:
        source = _open_sqlite_backup(path)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connections.close_all()  # pg_restore drops the tables this process holds open
        db = connection.settings_dict
        _pg_restore(path, str(db["NAME"]), _pg_env(db), clean=True)
    return kind


def _pg_restore(path: Path, database: str, env: Mapping[str, str], *, clean: bool) -> None:
    args = [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--dbname",
        database,
    ]
    if clean:
        args[1:1] = ["--clean", "--if-exists"]
    _run([*args, str(path)], env, "pg_restore")


# --- verifying ------------------------------------------------------------------------------


def verify_backup(path: Path) -> Verified:
    """Restore ``path`` into a scratch database and run ``verify_audit`` on it there."""
    kind = _readable(path)
    if kind == SQLITE:
        with tempfile.TemporaryDirectory(prefix="kapcare-verify-") as folder:
            scratch = Path(folder) / "scratch.sqlite3"
            source = _open_sqlite_backup(path)
            copy = sqlite3.connect(scratch)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
            report = _verify_audit(f"sqlite:///{scratch}")
        return Verified(path=path, kind=kind, report=report)
    if _kind() != POSTGRESQL:
        raise BackupError(
            f"{path} is a PostgreSQL backup: verify it where KAP Care runs on PostgreSQL "
            "(a scratch database is made on that server)."
        )
    db = connection.settings_dict
    env = _pg_env(db)
    scratch_name = f"kapcare_verify_{secrets.token_hex(6)}"
    psql = [_tool("psql"), "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "--dbname", str(db["NAME"])]
    _run([*psql, "-c", f'CREATE DATABASE "{scratch_name}"'], env, "Making a scratch database")
    try:
        _pg_restore(path, scratch_name, env, clean=False)
        report = _verify_audit(postgres_url(db, scratch_name))
    finally:
        _run(
            [*psql, "-c", f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'],
            env,
            "Removing the scratch database",
        )
    return Verified(path=path, kind=kind, report=report)


def postgres_url(db: Mapping[str, object], name: str) -> str:
    """A ``DATABASE_URL`` for database ``name`` on the server and account of ``db``."""
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(str(db.get("HOST") or ""), safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    options = db.get("OPTIONS") or {}
    sslmode = options.get("sslmode") if isinstance(options, Mapping) else None
    query = f"?sslmode={quote(str(sslmode))}" if sslmode else ""
    return f"postgres://{credentials}{host}{port}/{quote(name, safe='')}{query}"


def _verify_audit(database_url: str) -> str:
    """``manage.py verify_audit`` against another database, in a process of its own (this
    one stays connected to the live database), under this process's audit key."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kapcare.settings",
        "DATABASE_URL": database_url,
        AUDIT_KEY: audit_key().hex(),
    }
    try:
        return _run([sys.executable, "-m", "django", "verify_audit"], env, "verify_audit").strip()
    except BackupError as error:
        said = str(error).removeprefix("verify_audit failed: ").removeprefix("CommandError: ")
        raise BackupError(f"it restores, but its audit trail does not verify: {said}") from None
