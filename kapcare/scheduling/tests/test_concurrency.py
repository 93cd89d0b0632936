"""Double booking is impossible under concurrency, on PostgreSQL and on SQLite (issue 3).

Many threads, each with its own database connection, book the same slot at once through
the one booking service; exactly one wins, the others are refused (409 for a lost race
reported by PostgreSQL's exclusion constraint, 422 when the serialized check already sees
the winner), and the calendar holds one appointment.

On PostgreSQL the test runs in the suite's own database. SQLite's test database is in
memory, where threads cannot share it like web workers share a file: there
:func:`test_on_a_sqlite_file_database` runs the same test again in a child pytest whose
test database is a file (``DATABASE_TEST_NAME``), so SQLite's serialized check
(``IMMEDIATE`` transactions) is proven too.
"""

import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.db import connection

from kapcare.core.violations import Refused
from kapcare.people.access import Actor
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling import services
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.vocabulary import AppointmentKind, Modality
from tests.factories import make_client, make_location, make_room, make_staff

THREADS = 8
NOW = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
START = dt.datetime(2030, 1, 21, 15, tzinfo=dt.UTC)


def _in_memory_sqlite() -> bool:
    if connection.vendor != "sqlite":
        return False
    # At collection time NAME is still the development database's: the test
    # database is a file only when TEST["NAME"] names one (DATABASE_TEST_NAME).
    name = str((connection.settings_dict.get("TEST") or {}).get("NAME") or "")
    return name in {"", ":memory:"} or "mode=memory" in name


@pytest.mark.skipif(
    _in_memory_sqlite(), reason="run in a file database by test_on_a_sqlite_file_database"
)
@pytest.mark.parametrize("shared", ["room", "clinician", "client"])
def test_many_threads_book_one_slot_and_exactly_one_wins(
    transactional_db: None,
    practice: Practice,
    staff: dict[Role, StaffMember],
    actor: Callable[[Role], Actor],
    shared: str,
) -> None:
    # Given THREADS requests for the same hour that share a room, a clinician or a client
    location = make_location(practice=practice)
    rooms = [make_room(location=location, kind=RoomKind.THERAPY) for _ in range(THREADS)]
    clinicians = [
        staff[Role.THERAPIST]
        if shared == "clinician"
        else make_staff(practice=practice, roles=[Role.THERAPIST], states=["PA"])
        for _ in range(THREADS)
    ]
    one_client = make_client(practice=practice)
    clients: list[Client] = [
        one_client if shared == "client" else make_client(practice=practice) for _ in range(THREADS)
    ]
    requests = []
    for i in range(THREADS):
        room = rooms[0] if shared == "room" else rooms[i]
        requests.append(
            services.AppointmentRequest(
                client_id=clients[i].pk,
                kind=AppointmentKind.THERAPY,
                modality=Modality.IN_PERSON,
                start=START + dt.timedelta(minutes=i),  # overlapping, never equal
                end=START + dt.timedelta(minutes=60 + i),
                staff_ids=(clinicians[i].pk,),
                location_id=location.pk,
                room_id=room.pk,
            )
        )
    actors = [actor(Role.FRONT_DESK) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    refusals: list[str] = []
    lock = threading.Lock()

    def book(index: int) -> None:
        try:
            barrier.wait()
            try:
                services.book_appointment(actor=actors[index], request=requests[index], now=NOW)
                outcome = "booked"
            except Refused as refused:
                outcome = "409" if refused.conflict else "422"
                with lock:
                    refusals.extend(v.rule for v in refused.violations)
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    # When they all book at once
    threads = [threading.Thread(target=book, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly one wins and the calendar holds one appointment
    assert len(outcomes) == THREADS
    assert outcomes.count("booked") == 1
    assert set(refusals) == {f"conflict.{shared}"}
    assert Appointment.objects.count() == 1
    assert AppointmentStaff.objects.count() == 1


def test_on_a_sqlite_file_database(tmp_path: Path) -> None:
    if not _in_memory_sqlite():
        pytest.skip("this database runs the concurrency test itself")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_ADDOPTS"}}
    env["DATABASE_TEST_NAME"] = str(tmp_path / "concurrency.sqlite3")
    env["KAPCARE_VAR_DIR"] = str(tmp_path)
    report = tmp_path / "report.xml"
    # The arguments are this interpreter and this file: nothing from outside.
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            f"--junit-xml={report}",
            f"{__file__}::test_many_threads_book_one_slot_and_exactly_one_wins",
        ],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    # The report is the one the child pytest just wrote.
    suite = ElementTree.parse(report).getroot().find("testsuite")  # noqa: S314
    assert suite is not None
    counts = {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "3", "failures": "0", "errors": "0", "skipped": "0"}
