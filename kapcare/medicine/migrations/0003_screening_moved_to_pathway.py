"""Medical screenings moved to the pathway app (their tables keep their names).

State only: the foreign keys now point at the pathway's models, whose tables are the
same ones, so no row and no column changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("medicine", "0002_practice_medicine_settings"),
        ("pathway", "0001_records_moved_from_scheduling_and_medicine"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="clearancedetail",
                    name="screening",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="clearances",
                        to="pathway.medicalscreening",
                    ),
                ),
                migrations.AlterField(
                    model_name="clearancedetail",
                    name="clearance",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="detail",
                        to="pathway.clearance",
                    ),
                ),
                migrations.AlterField(
                    model_name="doseadministration",
                    name="order",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pathway.doseorder",
                    ),
                ),
                migrations.DeleteModel(name="ScreeningAnswer"),
                migrations.DeleteModel(name="MedicalScreening"),
            ],
        ),
    ]
