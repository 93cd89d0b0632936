"""The client search's trigram indexes write straight into the index (no pending list).

A GIN index keeps new entries in an unsorted "pending list" until a VACUUM or the list's
4 MB limit merges them, and every search reads the whole list: after a practice's
clients were loaded, a search by name read some 400 pages of it and the planner,
rightly, preferred to scan the table (EXPLAIN: 5 ms at 10,000 clients, growing with
them; 0.2 ms once merged). Clients are added one at a time and searched all day, so the
indexes of 0003 and 0005 give up the faster insert for a search that stays an index
lookup, and the list built so far is merged now. PostgreSQL only, as those indexes.
"""

from django.db import migrations

TRIGRAM_INDEXES = (
    "people_client_legal_given_name_trgm",
    "people_client_legal_family_name_trgm",
    "people_client_preferred_name_trgm",
    "people_client_email_trgm",
    "people_client_phone_digits_trgm",
)


def write_through(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_emergency_access"),
    ]

    operations = [migrations.RunPython(write_through, with_pending_list)]
