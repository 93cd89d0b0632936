"""The practice the fuzzer runs against: a fresh database, migrated, the demo loaded, and
one API token for each role.

The database is made new every run, beside the one ``DATABASE_URL`` names: on PostgreSQL
``<name>_fuzz`` on the same server (dropped first, dropped again at the end), otherwise an
SQLite file in the run's own folder. The fuzzer writes thousands of records; it never
writes them into a database someone keeps.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent

# Who the fuzzer is, one sign-in per role (the demo's accounts, kapcare/people/demo.py and
# kapcare/portal/demo.py), in the order the runs go: the portal client first, since the
# staff runs may end the client's portal access (POST .../portal-access/end).
ROLE_EMAILS = {
    "client": "farah.lindell@example.com",
    "therapist": "therapist@example.org",
    "medical_provider": "medical@example.org",
    "monitor": "monitor@example.org",
    "front_desk": "frontdesk@example.org",
    "privacy_officer": "privacy@example.org",
}


@dataclass(frozen=True)
class Database:
    url: str
    postgres_admin_url: str | None  # where to drop it from, when it is on PostgreSQL

    def drop(self) -> None:
        if self.postgres_admin_url is not None:
            # FORCE: a server stopped by a signal may leave a connection behind a moment.
            statement = f'DROP DATABASE IF EXISTS "{_name(self.url)}" WITH (FORCE)'
            _postgres(self.postgres_admin_url, statement)


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _postgres(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)  # the name comes from DATABASE_URL, never from input


def fresh_database(base_url: str, folder: Path) -> Database:
    """A new, empty database beside ``base_url`` (or an SQLite file in ``folder``)."""
    if not base_url.startswith("postgres"):
        return Database(url=f"sqlite:///{folder / 'fuzz.sqlite3'}", postgres_admin_url=None)
    parts = urlsplit(base_url)
    name = f"{_name(base_url) or 'postgres'}_fuzz"
    # Created and dropped from the server's maintenance database: the one DATABASE_URL
    # names need not exist (the test runner makes its own test_<name>), nor be in use.
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    database = Database(
        url=urlunsplit(parts._replace(path=f"/{name}")), postgres_admin_url=admin_url
    )
    database.drop()
    _postgres(admin_url, f'CREATE DATABASE "{name}"')
    return database


def run_module(env: dict[str, str], module: str) -> str:
    """``python -m MODULE`` in the practice's environment; its output (stdout)."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"python -m {module} failed (exit {result.returncode}).")
    return result.stdout


def seed(env: dict[str, str]) -> dict[str, str]:
    """Migrate, load the demo practice, and issue each role a token: {role: token}.

    One process does all three (``tests/fuzz/seed.py``); its last line of output is the
    tokens as JSON.
    """
    output = run_module(env, "tests.fuzz.seed")
    tokens: dict[str, str] = json.loads(output.strip().splitlines()[-1])
    return tokens


def environment(database: Database, var_dir: Path) -> dict[str, str]:
    """The environment of every process of the run: its own database and var folder."""
    return {
        **os.environ,
        "DATABASE_URL": database.url,
        "KAPCARE_VAR_DIR": str(var_dir),
        "DEBUG": "0",
    }
