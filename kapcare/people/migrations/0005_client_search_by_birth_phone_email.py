"""The client search also finds a date of birth, a phone number or an e-mail address.

``phone_digits`` is the phone's digits alone, written by the database (a stored generated
column), so "6105550123" finds "(610) 555-0123". A B-tree index serves the date of birth
within a practice; on PostgreSQL, GIN trigram indexes (as 0003 for the names) serve the
``icontains`` over the e-mail address and the phone's digits. SQLite scans.
"""

import django.db.models.functions.text
from django.db import migrations, models

TRIGRAM_INDEXES = {
    "people_client_email_trgm": "(UPPER(email::text)) gin_trgm_ops",
    "people_client_phone_digits_trgm": "(phone_digits::text) gin_trgm_ops",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_client USING gin ({expression})"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def _without(text_expression, *characters):
    for character in characters:
        text_expression = django.db.models.functions.text.Replace(
            text_expression, models.Value(character)
        )
    return text_expression


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_client_account"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="phone_digits",
            field=models.GeneratedField(
                db_persist=True,
                expression=_without("phone", " ", "-", "(", ")", ".", "+"),
                output_field=models.CharField(max_length=30),
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["practice", "date_of_birth"], name="people_client_born_idx"),
        ),
        migrations.RunPython(add_indexes, drop_indexes),
    ]
