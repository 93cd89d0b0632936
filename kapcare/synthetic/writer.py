"""Writing generated rows fast: COPY on PostgreSQL, bulk_create in batches on SQLite.

Rows are plain dicts keyed by attribute name (``client_id``, not ``client``) with their
ids given; a field a row leaves out gets its model default. PostgreSQL takes each
table's rows in one ``COPY ... FROM STDIN`` (psycopg's ``copy.write_row``), several
times faster than INSERTs; SQLite, embedded, has no COPY and gets ``bulk_create``. The
ids come in blocks from each table's own sequence (``IdBlocks``), so a server writing to
the same database while the generator runs never collides with it.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction

from kapcare.audit.models import AuditEvent
from kapcare.measures.models import MeasureResponse, RiskFlag
from kapcare.medicine.models import (
    DoseAdministration,
    MedicineSession,
    Observation,
    Signature,
    VitalsReading,
)
from kapcare.pathway.models import (
    Clearance,
    Consent,
    DoseOrder,
    MedicalScreening,
    ScreeningAnswer,
    TreatmentPlan,
    TreatmentPlanVersion,
)
from kapcare.people.models import CareTeamMember, Client
from kapcare.scheduling.models import Appointment, AppointmentStaff

__all__ = [
    "BATCH_SIZE",
    "TABLES",
    "IdBlocks",
    "analyze",
    "method",
    "relax_durability",
    "write_rows",
]

BATCH_SIZE = 2000

# In the order they are written (referenced rows first).
TABLES: dict[str, type[models.Model]] = {
    "client": Client,
    "careteam": CareTeamMember,
    "consent": Consent,
    "screening": MedicalScreening,
    "screeninganswer": ScreeningAnswer,
    "clearance": Clearance,
    "doseorder": DoseOrder,
    "plan": TreatmentPlan,
    "planversion": TreatmentPlanVersion,
    "appointment": Appointment,
    "appointmentstaff": AppointmentStaff,
    "medicinesession": MedicineSession,
    "vitals": VitalsReading,
    "dose": DoseAdministration,
    "observation": Observation,
    "signature": Signature,
    "response": MeasureResponse,
    "riskflag": RiskFlag,
    "audit": AuditEvent,
}


def method() -> str:
    return "COPY" if connection.vendor == "postgresql" else "bulk_create"


class IdBlocks:
    """Blocks of ids for the generator's rows, ``size`` at a time per table, that no other
    writer will use, however many sessions insert into the same tables meanwhile.

    PostgreSQL: each block is drawn from the table's sequence (``nextval`` once per id, in
    one statement), so the sequence is past the generator's ids as it goes. SQLite: the
    table's AUTOINCREMENT counter (``sqlite_sequence``) is moved past the block, in one
    transaction, so the next insert by anyone else lands after it."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size

    def __call__(self, table: str) -> list[int]:
        model = TABLES[table]
        name, pk = model._meta.db_table, model._meta.pk.column
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [name, pk, self.size],
                )
                return sorted(row[0] for row in cursor.fetchall())
            quoted = connection.ops.quote_name(name)
            cursor.execute(
                f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
                f"coalesce((SELECT max({connection.ops.quote_name(pk)}) FROM {quoted}), 0))",
                [name],
            )
            last = int(cursor.fetchone()[0])
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, last + self.size]
            )
            return list(range(last + 1, last + self.size + 1))


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    # The database computes generated columns (Client.phone_digits); COPY may not name them.
    return [f for f in model._meta.concrete_fields if not f.generated]


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    return {f.attname: f.get_default() for f in _fields(model) if not f.primary_key}


def write_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` into ``model``'s table; how many."""
    if not rows:
        return 0
    defaults = _defaults(model)
    full: Iterable[dict[str, Any]] = ({**defaults, **row} for row in rows)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create((model(**row) for row in full), batch_size=BATCH_SIZE)
        return len(rows)
    fields = _fields(model)
    names = [f.attname for f in fields]
    as_json = {f.attname for f in fields if isinstance(f, models.JSONField)}
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in full:
            copy.write_row(
                [
                    json.dumps(row[n]) if n in as_json and row[n] is not None else row[n]
                    for n in names
                ]
            )
    return len(rows)


def relax_durability() -> None:
    """Commit the generator's batches without waiting for the disk (PostgreSQL, this
    connection only): a crash could lose the last batches of a synthetic practice, never
    corrupt it, and each batch's commit stops costing a flush."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")


def analyze() -> None:
    """Refresh the planner's statistics of the tables written (PostgreSQL).

    Until autovacuum gets round to it, the planner believes the freshly loaded tables are
    nearly empty and picks nested loops that take seconds at 10,000 clients.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in TABLES.values():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
