"""Trigram indexes for the search by name (PostgreSQL only).

``q`` matches any part of a name (``icontains``: ``UPPER(name) LIKE UPPER('%word%')``),
which no B-tree index serves: at 100,000 clients the search scanned the whole table
(``EXPLAIN``: Seq Scan, 13 ms at 10,000 clients on a loaded machine). A GIN index of
trigrams over the same ``UPPER(...)`` expression turns it into bitmap index scans.
SQLite, for one practice on one machine, scans; the function checks the vendor itself
so the migration graph is the same everywhere.
"""

from django.db import migrations

COLUMNS = ("legal_family_name", "legal_given_name", "preferred_name")


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_client_{column}_trgm ON people_client "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_client_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_client_stage_derived_from_the_record")]

    operations = [migrations.RunPython(add_indexes, drop_indexes)]
