"""Moving the pathway's records into their own app (issue 8) loses no row.

Given the demo practice in a database at the schema before the move (the demo is
loaded, then the database is migrated back to the previous schema, which writes the
clearance details back into their own table), migrating forward finds every row again:
the same plans, plan history, consents, screenings and their answers, dose orders, and
every clearance with the version, screening and justifications its detail held.
"""

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kapcare.pathway.models import (
    Clearance,
    Consent,
    DoseOrder,
    MedicalScreening,
    ScreeningAnswer,
    TreatmentPlan,
    TreatmentPlanVersion,
)

# The schema before issue 8: the pathway app did not exist yet.
PREVIOUS = [
    ("scheduling", "0002_staff_hours_feeds_reminders_settings"),
    ("medicine", "0002_practice_medicine_settings"),
    ("pathway", None),
]
# Tables the move kept, with the model that owns each one now.
KEPT = {
    "scheduling_treatmentplan": TreatmentPlan,
    "scheduling_treatmentplanversion": TreatmentPlanVersion,
    "scheduling_consent": Consent,
    "scheduling_doseorder": DoseOrder,
    "medicine_medicalscreening": MedicalScreening,
    "medicine_screeninganswer": ScreeningAnswer,
}


def _select(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _rows(table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    # The columns the table had before the move: later migrations may add their own.
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    return _select(f"SELECT {names} FROM {connection.ops.quote_name(table)} ORDER BY id")


def _json(value: Any) -> Any:
    """A JSON column as the ORM reads it (SQLite answers raw text, PostgreSQL a dict)."""
    return json.loads(value) if isinstance(value, str) else value


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_demo_practice_keeps_every_row_through_the_move() -> None:
    call_command("load_demo", verbosity=0)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    _migrate(PREVIOUS)
    columns = {table: _columns(table) for table in KEPT}
    before = {table: _rows(table, columns[table]) for table in KEPT}
    clearances = _rows("scheduling_clearance", _columns("scheduling_clearance"))
    details = {
        clearance_id: (version, screening_id, _json(justifications))
        for clearance_id, version, screening_id, justifications in _select(
            "SELECT clearance_id, version, screening_id, justifications "
            "FROM medicine_clearancedetail ORDER BY id"
        )
    }
    _migrate(latest)

    assert all(before[table] for table in KEPT), "the demo practice holds a row of each kind"
    assert {table: _rows(table, columns[table]) for table in KEPT} == before
    for model in KEPT.values():
        assert model._default_manager.count() == len(before[model._meta.db_table])
    assert [c.pk for c in Clearance.objects.order_by("pk")] == [row[0] for row in clearances]
    assert len(details) == len(clearances)
    for clearance in Clearance.objects.all():
        version, screening_id, justifications = details[clearance.pk]
        assert (clearance.version, clearance.screening_id) == (version, screening_id)
        assert clearance.justifications == justifications
