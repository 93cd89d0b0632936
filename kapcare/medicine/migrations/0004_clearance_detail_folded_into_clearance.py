"""The clearance details now live on the pathway's clearance itself (copied there first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("medicine", "0003_screening_moved_to_pathway"),
        ("pathway", "0002_clearance_detail_folded_in"),
    ]

    operations = [
        migrations.DeleteModel(name="ClearanceDetail"),
    ]
