"""Writing generated rows fast: COPY on PostgreSQL, bulk_create in batches on SQLite.

Rows are plain dicts keyed by attribute name (``client_id``, not ``client``) with their
ids given; a field a row leaves out gets its model default. PostgreSQL takes each
table's rows in one ``COPY ... FROM STDIN`` (psycopg's ``copy.write_row``), several
times faster than INSERTs; SQLite, embedded, has no COPY and gets ``bulk_create``. The
sequences are moved past the given ids at the end (``reset_sequences``).
"""

import json
from collections.abc import Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

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
    "analyze",
    "method",
    "next_ids",
    "relax_durability",
    "reset_sequences",
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


def next_ids() -> dict[str, int]:
    """The first free id of each table."""
    found: dict[str, int] = {}
    for name, model in TABLES.items():
        last = model._default_manager.aggregate(m=models.Max("pk"))["m"]
        found[name] = (last or 0) + 1
    return found


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


def reset_sequences() -> None:
    """Move each table's id sequence past the ids the generator gave (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(TABLES.values()))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


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
