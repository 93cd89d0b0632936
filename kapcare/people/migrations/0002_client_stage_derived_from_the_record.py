"""The pathway stage is derived from the record; the typed-in field goes (issue 9).

Going forward nothing is copied: the stage a person typed is what drifted from the
record, and the record (screenings, clearances, plan, consent, sessions) is kept. Going
back, the field is filled with the stage derived from the record, so a reverse
migration leaves every client at a true stage rather than at the default.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def forward(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Nothing to copy (see the docstring)."""


def fill_from_record(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The derivation queries the current models: when this migration is reversed, the
    # tables it reads (plans, consents, appointments, responses) are as the code has them.
    from kapcare.people.stage_query import STAGE_ANNOTATION, with_stage
    from kapcare.people.models import Client as CurrentClient

    historical = apps.get_model("people", "Client")
    derived = with_stage(CurrentClient.objects.order_by()).values_list("pk", STAGE_ANNOTATION)
    for client_id, stage in derived.iterator():
        historical.objects.filter(pk=client_id).update(stage=stage)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("pathway", "0003_clearance_version_required"),
        ("scheduling", "0004_labels_from_the_vocabulary"),
        ("measures", "0002_measures_in_care"),
    ]

    operations = [
        migrations.RunPython(forward, fill_from_record),
        migrations.RemoveConstraint(model_name="client", name="client_stage_valid"),
        migrations.RemoveField(model_name="client", name="stage"),
    ]
