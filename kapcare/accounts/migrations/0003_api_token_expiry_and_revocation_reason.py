import datetime

from django.db import migrations, models

# Tokens issued before expiry existed get the default life from their creation; one
# older than that expires at once (its owner makes a new one on /accounts/api-tokens/).
DEFAULT_LIFE = datetime.timedelta(days=90)


def expire_from_creation(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + DEFAULT_LIFE)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_user_session_generation"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(expire_from_creation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_because",
            field=models.CharField(
                blank=True,
                choices=[
                    ("owner", "Revoked by its owner"),
                    ("command", "Revoked by an administrator"),
                    ("password_changed", "Revoked when the password changed"),
                    ("deactivated", "Revoked when the account was closed"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("revoked_because__in", ["", "owner", "command", "password_changed", "deactivated"])
                ),
                name="apitoken_revoked_because_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("revoked_at__isnull", True), ("revoked_because", "")),
                    ("revoked_at__isnull", False),
                    _connector="OR",
                ),
                name="apitoken_reason_only_when_revoked",
            ),
        ),
    ]
