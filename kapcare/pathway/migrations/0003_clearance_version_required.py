"""Every clearance has a version now (folded in from its detail): required and unique."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("pathway", "0002_clearance_detail_folded_in"),
        ("medicine", "0004_clearance_detail_folded_into_clearance"),
    ]

    operations = [
        migrations.AlterField(
            model_name="clearance",
            name="version",
            field=models.PositiveIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="clearance",
            constraint=models.UniqueConstraint(
                fields=("client", "version"), name="clearance_version_unique"
            ),
        ),
    ]
