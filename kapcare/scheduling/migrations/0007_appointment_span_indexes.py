"""GiST indexes over each appointment's and staff booking's span, on PostgreSQL.

The calendar, the appointments list and the day's schedule ask which appointments
overlap a day or a week (``scheduling.spans``). A B-tree on ``start`` answers only
"started before the end of the week", which is the practice's whole history; these
answer the overlap itself, narrowed by the location or the staff member when asked.
Unlike the exclusion constraints of 0001 they keep cancelled appointments too: the
calendar lists them. SQLite has no GiST; there the B-trees of 0001 serve.
"""

from django.db import migrations

# The span is spelled as ``scheduling.spans.Overlaps`` spells it, or the planner
# cannot match the query to the index.
_SPAN = "tstzrange(start, \"end\", '[)')"
SPAN_INDEXES = (
    ("scheduling_appointment_span_gist", "scheduling_appointment", _SPAN),
    (
        "scheduling_appointment_location_span_gist",
        "scheduling_appointment",
        f"location_id, {_SPAN}",
    ),
    (
        "scheduling_appointmentstaff_staff_span_gist",
        "scheduling_appointmentstaff",
        f"staff_id, {_SPAN}",
    ),
)


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")  # as 0001
    for name, table, columns in SPAN_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gist ({columns})"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _columns in SPAN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0006_busy_until_indexes_for_the_booking_check"),
    ]

    operations = [migrations.RunPython(add_indexes, drop_indexes)]
