"""Plans, consents, clearances and dose orders moved to the pathway app.

State only: the tables keep their names (the pathway models' ``db_table``), so no row
and no column changes.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("scheduling", "0002_staff_hours_feeds_reminders_settings"),
        ("pathway", "0001_records_moved_from_scheduling_and_medicine"),
        ("medicine", "0003_screening_moved_to_pathway"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="TreatmentPlanVersion"),
                migrations.DeleteModel(name="TreatmentPlan"),
                migrations.DeleteModel(name="Consent"),
                migrations.DeleteModel(name="Clearance"),
                migrations.DeleteModel(name="DoseOrder"),
            ],
        ),
    ]
