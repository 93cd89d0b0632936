"""The crash test (issue 12): a process writing bookings is killed with SIGKILL; after a
restart no acknowledged booking is missing and the audit trail verifies.

A child (tests/booking_writer.py) books therapy sessions through the one booking service
as fast as it can and writes each id once its transaction has committed; the parent kills
it (SIGKILL, no chance to clean up) while it is in the middle of the next booking. Then a
new connection opens the database, as a restarted server would: every acknowledged id is
there with its audit event, and ``verify_audit``, in a process of its own, passes.

It runs on the database the suite runs on (CI: SQLite and PostgreSQL). SQLite's test
database is in memory, which a child cannot open: the test copies it to a file (the online
backup API) and the child writes there, in the WAL mode the settings give every SQLite
database. A process crash loses nothing the OS was given; power loss is another matter
(``synchronous=NORMAL`` may lose the last transactions then, never corrupt the file).
"""

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from kapcare.audit.keys import AUDIT_KEY, audit_key
from kapcare.audit.models import AuditEvent
from kapcare.backups.dumps import backup_to, postgres_url
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.models import Appointment
from tests.factories import make_location, make_room
from tests.world import next_monday

ROOT = Path(__file__).resolve().parents[1]
# Acknowledgements to wait for before the kill, and the bounds of the whole run.
ACKNOWLEDGED_BEFORE_KILL = 12
DEADLINE_SECONDS = 90


def _database_url(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        copy = tmp_path / "crash.sqlite3"
        backup_to(copy)  # the committed world, in a file the child can open
        return f"sqlite:///{copy}"
    return postgres_url(connection.settings_dict, str(connection.settings_dict["NAME"]))


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"PYTEST_ADDOPTS"}},
        "DJANGO_SETTINGS_MODULE": "kapcare.settings",
        "DATABASE_URL": database_url,
        "KAPCARE_VAR_DIR": str(tmp_path),
        AUDIT_KEY: audit_key().hex(),
        "PYTHONPATH": str(ROOT),
    }


def _stored_ids(database_url: str) -> tuple[set[int], set[str]]:
    """The appointments and booking events a new connection finds after the crash."""
    if database_url.startswith("sqlite:///"):
        # A new connection recovers from the WAL what was committed, as a restart does.
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            ids = {row[0] for row in db.execute("SELECT id FROM scheduling_appointment")}
            details = {
                row[0]
                for row in db.execute(
                    "SELECT detail FROM audit_auditevent WHERE detail LIKE 'appointment:%'"
                )
            }
        return ids, details
    connection.close()
    ids = set(Appointment.objects.values_list("pk", flat=True))
    details = set(
        AuditEvent.objects.filter(detail__startswith="appointment:").values_list(
            "detail", flat=True
        )
    )
    return ids, details


@pytest.mark.django_db(transaction=True)
def test_no_acknowledged_booking_is_lost_to_a_sigkill(
    tmp_path: Path, practice: Practice, staff: dict[Role, StaffMember], team_client: Client
) -> None:
    # Given a world committed to a database a child process can open
    office = make_location(practice=practice, name="Bryn Mawr")
    room = make_room(location=office, name="Willow", kind=RoomKind.THERAPY)
    database_url = _database_url(tmp_path)
    env = _env(database_url, tmp_path)
    start = dt.datetime.combine(next_monday(2), dt.time(15), tzinfo=dt.UTC)
    plan = {
        "user": staff[Role.FRONT_DESK].user_id,
        "client": team_client.pk,
        "staff": staff[Role.THERAPIST].pk,
        "location": office.pk,
        "room": room.pk,
        "start": start.isoformat(),
        "now": (start - dt.timedelta(days=7)).isoformat(),
        "count": 1000,  # more than it will get through before the kill
    }

    # When a child books as fast as it can and is killed in the middle of a booking
    acknowledged: list[int] = []
    child = subprocess.Popen(  # noqa: S603 -- this interpreter, this repository's script
        [sys.executable, str(ROOT / "tests" / "booking_writer.py"), json.dumps(plan)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        assert child.stdout is not None
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL:
            line = child.stdout.readline()
            if not line:
                pytest.fail(f"the writer stopped by itself: {child.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            acknowledged.append(int(line))
            assert time.monotonic() < deadline, "the writer was too slow to test"
        time.sleep(random.uniform(0, 0.05))  # somewhere inside the next booking
        child.send_signal(signal.SIGKILL)
        # What it wrote before it died was acknowledged too.
        acknowledged.extend(int(line) for line in child.stdout.read().split())
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    # Then, after a restart, every acknowledged booking is there with its audit event
    ids, details = _stored_ids(database_url)
    assert set(acknowledged) <= ids, f"lost: {sorted(set(acknowledged) - ids)}"
    booked = {int(d.split(":")[1]) for d in details}
    assert ids == booked  # no appointment without its event, none the other way round
    # ... and verify_audit, run as an operator would after the restart, passes.
    check = subprocess.run(
        [sys.executable, "-m", "django", "verify_audit"],
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "Audit chain intact" in check.stdout
