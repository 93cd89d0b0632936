"""Doses recorded at the same moment never add up past the order's maximum.

Many threads, each with its own database connection, record a dose in the same session
at once through the one service. The client's row lock serializes the check against the
order's maximum, so exactly as many doses as fit are recorded and the rest are refused
with ``dose.exceeds_order``. On PostgreSQL the test runs in the suite's own database;
SQLite's in-memory test database cannot be shared by threads, so there the same test
runs again in a child pytest with a file database (as the booking concurrency test does).
"""

import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.db import connection

from kapcare.core import clock
from kapcare.core.violations import Refused
from kapcare.medicine import services
from kapcare.medicine.models import DoseAdministration
from kapcare.medicine.tests.fixtures import ready_medicine_appointment
from kapcare.pathway.vocabulary import Route
from kapcare.people.access import Actor
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

THREADS = 6
MINUTE = dt.timedelta(minutes=1)


def _in_memory_sqlite() -> bool:
    if connection.vendor != "sqlite":
        return False
    name = str((connection.settings_dict.get("TEST") or {}).get("NAME") or "")
    return name in {"", ":memory:"} or "mode=memory" in name


@pytest.mark.skipif(
    _in_memory_sqlite(), reason="run in a file database by test_doses_on_a_sqlite_file_database"
)
def test_concurrent_doses_never_exceed_the_order(
    transactional_db: None,
    team_client: Client,
    staff: dict[Role, StaffMember],
    actor: Callable[[Role], Actor],
) -> None:
    # Given a session ready to dose, whose order allows 200 mg in all
    now = clock.now()
    appointment = ready_medicine_appointment(
        team_client, staff, start=now - 30 * MINUTE, max_dose_mg=Decimal(200)
    )
    monitor = actor(Role.MONITOR)
    services.save_checklist(
        actor=monitor,
        appointment_id=appointment.pk,
        checklist=services.ChecklistInput(
            identity_confirmed=True,
            fasting_confirmed=True,
            escort_name="A. Friend",
            no_driving_agreed=True,
            intention="Curiosity.",
            todays_measures_done=True,
        ),
        now=now,
    )
    services.record_vitals(
        actor=monitor, appointment_id=appointment.pk, at=now - 5 * MINUTE,
        systolic=122, diastolic=80, heart_rate=70, spo2=98, now=now,
    )  # fmt: skip
    actors = [actor(Role.MONITOR) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def give(index: int) -> None:
        try:
            barrier.wait()
            try:
                services.record_dose(
                    actor=actors[index], appointment_id=appointment.pk, at=now,
                    route=Route.SUBLINGUAL, dose_mg=Decimal(100), lot="L", now=now,
                )  # fmt: skip
                outcome = "given"
            except Refused as refused:
                outcome = ",".join(v.rule for v in refused.violations)
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    # When they all record a 100 mg dose at once
    threads = [threading.Thread(target=give, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then two fit (200 mg), the others are refused, and the record holds 200 mg
    assert sorted(outcomes) == ["dose.exceeds_order"] * (THREADS - 2) + ["given"] * 2
    assert sum(d.dose_mg for d in DoseAdministration.objects.all()) == Decimal(200)


def test_doses_on_a_sqlite_file_database(tmp_path: Path) -> None:
    if not _in_memory_sqlite():
        pytest.skip("this database runs the concurrency test itself")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_ADDOPTS"}}
    env["DATABASE_TEST_NAME"] = str(tmp_path / "concurrency.sqlite3")
    env["KAPCARE_VAR_DIR"] = str(tmp_path)
    report = tmp_path / "report.xml"
    # The arguments are this interpreter and this file: nothing from outside.
    result = subprocess.run(  # noqa: S603
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
            f"--junit-xml={report}",
            f"{__file__}::test_concurrent_doses_never_exceed_the_order",
        ],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    suite = ElementTree.parse(report).getroot().find("testsuite")  # noqa: S314
    assert suite is not None
    counts = {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "1", "failures": "0", "errors": "0", "skipped": "0"}
