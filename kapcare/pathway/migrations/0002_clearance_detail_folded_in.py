"""A clearance keeps its own version, screening and justifications.

They were in ``medicine.ClearanceDetail`` (one to one); each detail's values are copied
into its clearance, and a clearance recorded without one gets the next version of its
client, in the order they were recorded. Reversible: going back writes the details again.
"""

import django.db.models.deletion
from django.db import migrations, models


def fold_details_in(apps, schema_editor) -> None:
    clearance_model = apps.get_model("pathway", "Clearance")
    detail_model = apps.get_model("medicine", "ClearanceDetail")
    for detail in detail_model.objects.all().iterator():
        clearance_model.objects.filter(pk=detail.clearance_id).update(
            version=detail.version,
            screening_id=detail.screening_id,
            justifications=detail.justifications,
        )
    without = clearance_model.objects.filter(version__isnull=True).order_by(
        "client_id", "recorded_at", "id"
    )
    last: dict[int, int] = {}
    for clearance in without.iterator():
        if clearance.client_id not in last:
            last[clearance.client_id] = (
                clearance_model.objects.filter(client_id=clearance.client_id)
                .exclude(version__isnull=True)
                .aggregate(top=models.Max("version"))["top"]
                or 0
            )
        last[clearance.client_id] += 1
        clearance_model.objects.filter(pk=clearance.pk).update(version=last[clearance.client_id])


def write_details_back(apps, schema_editor) -> None:
    clearance_model = apps.get_model("pathway", "Clearance")
    detail_model = apps.get_model("medicine", "ClearanceDetail")
    detail_model.objects.bulk_create(
        detail_model(
            clearance_id=clearance.pk,
            client_id=clearance.client_id,
            version=clearance.version,
            screening_id=clearance.screening_id,
            justifications=clearance.justifications,
        )
        for clearance in clearance_model.objects.all().iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("pathway", "0001_records_moved_from_scheduling_and_medicine"),
        ("medicine", "0003_screening_moved_to_pathway"),
    ]

    operations = [
        migrations.AddField(
            model_name="clearance",
            name="version",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="clearance",
            name="screening",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clearances",
                to="pathway.medicalscreening",
            ),
        ),
        migrations.AddField(
            model_name="clearance",
            name="justifications",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(fold_details_in, write_details_back),
    ]
