"""The pathway's records, moved here from scheduling and medicine without touching a row.

The tables keep their names (each model's ``db_table``), so this migration changes the
migration state only; the content types (and with them any permissions given on these
models) follow the models to their new app.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {
    "scheduling": ("treatmentplan", "treatmentplanversion", "consent", "clearance", "doseorder"),
    "medicine": ("medicalscreening", "screeninganswer"),
}


def _move_content_types(apps, schema_editor, *, forward: bool) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for old_app, names in MOVED.items():
        source, target = (old_app, "pathway") if forward else ("pathway", old_app)
        for name in names:
            if not content_type.objects.filter(app_label=target, model=name).exists():
                content_type.objects.filter(app_label=source, model=name).update(
                    app_label=target
                )


def move_content_types(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, forward=True)


def move_content_types_back(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0001_initial"),
        ("scheduling", "0002_staff_hours_feeds_reminders_settings"),
        ("medicine", "0002_practice_medicine_settings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='MedicalScreening',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField()),
                        ('history', models.TextField(blank=True)),
                        ('medications', models.TextField(blank=True)),
                        ('pregnancy_status', models.CharField(choices=[('not_applicable', 'Not applicable'), ('not_pregnant', 'Not pregnant'), ('pregnant', 'Pregnant or breastfeeding'), ('unknown', 'Unknown')], max_length=20)),
                        ('baseline_systolic', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('baseline_diastolic', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('baseline_heart_rate', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('baseline_spo2', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('baseline_weight_kg', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True)),
                        ('des_ii_total', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                        ('unreviewed_suicide_flag', models.BooleanField(blank=True, null=True)),
                        ('recorded_at', models.DateTimeField()),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='medical_screenings', to='people.client')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.staffmember')),
                    ],
                    options={
                        'db_table': 'medicine_medicalscreening',
                        'ordering': ['client', '-version'],
                    },
                ),
                migrations.CreateModel(
                    name='ScreeningAnswer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=80)),
                        ('answer', models.CharField(choices=[('yes', 'Yes'), ('no', 'No'), ('unknown', 'Unknown')], max_length=10)),
                        ('notes', models.TextField(blank=True)),
                        ('screening', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='pathway.medicalscreening')),
                    ],
                    options={
                        'db_table': 'medicine_screeninganswer',
                        'ordering': ['screening', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='TreatmentPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('format', models.CharField(choices=[('ongoing', 'Ongoing therapy'), ('intensive', 'Intensive')], max_length=10)),
                        ('status', models.CharField(choices=[('active', 'Active'), ('paused', 'Paused by the client'), ('closed', 'Closed')], max_length=10)),
                        ('includes_kap', models.BooleanField(default=True)),
                        ('includes_parts_work', models.BooleanField(default=False)),
                        ('includes_emdr', models.BooleanField(default=False)),
                        ('relational_goals', models.TextField(blank=True)),
                        ('planned_preparation_count', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField()),
                        ('client', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='treatment_plan', to='people.client')),
                        ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.staffmember')),
                    ],
                    options={
                        'db_table': 'scheduling_treatmentplan',
                    },
                ),
                migrations.CreateModel(
                    name='TreatmentPlanVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('format', models.CharField(choices=[('ongoing', 'Ongoing therapy'), ('intensive', 'Intensive')], max_length=10)),
                        ('status', models.CharField(choices=[('active', 'Active'), ('paused', 'Paused by the client'), ('closed', 'Closed')], max_length=10)),
                        ('includes_kap', models.BooleanField()),
                        ('includes_parts_work', models.BooleanField()),
                        ('includes_emdr', models.BooleanField()),
                        ('relational_goals', models.TextField(blank=True)),
                        ('planned_preparation_count', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('changed_at', models.DateTimeField()),
                        ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.staffmember')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.client')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='history', to='pathway.treatmentplan')),
                    ],
                    options={
                        'db_table': 'scheduling_treatmentplanversion',
                        'ordering': ['plan', 'changed_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Clearance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('cleared', 'Cleared'), ('not_cleared', 'Not cleared'), ('needs_information', 'Needs information')], max_length=20)),
                        ('valid_until', models.DateField()),
                        ('note', models.TextField(blank=True)),
                        ('recorded_at', models.DateTimeField()),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clearances', to='people.client')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.staffmember')),
                    ],
                    options={
                        'db_table': 'scheduling_clearance',
                        'ordering': ['client', 'recorded_at', 'id'],
                        'indexes': [models.Index(fields=['client', 'recorded_at'], name='scheduling__client__e59f8c_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['cleared', 'not_cleared', 'needs_information'])), name='clearance_status_valid')],
                    },
                ),
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('kap_informed_consent', 'KAP informed consent'), ('telehealth', 'Telehealth consent'), ('financial', 'Financial agreement')], max_length=30)),
                        ('version', models.CharField(max_length=40)),
                        ('signed_on', models.DateField()),
                        ('recorded_at', models.DateTimeField()),
                        ('revoked_on', models.DateField(blank=True, null=True)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='people.client')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.staffmember')),
                        ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.staffmember')),
                    ],
                    options={
                        'db_table': 'scheduling_consent',
                        'ordering': ['client', 'signed_on', 'id'],
                        'indexes': [models.Index(fields=['client', 'kind'], name='scheduling__client__bc8185_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['kap_informed_consent', 'telehealth', 'financial'])), name='consent_kind_valid'), models.CheckConstraint(condition=models.Q(models.Q(('revoked_by__isnull', True), ('revoked_on__isnull', True)), models.Q(('revoked_by__isnull', False), ('revoked_on__isnull', False)), _connector='OR'), name='consent_revocation_complete'), models.CheckConstraint(condition=models.Q(('revoked_on__isnull', True), ('revoked_on__gte', models.F('signed_on')), _connector='OR'), name='consent_revoked_after_signed')],
                    },
                ),
                migrations.CreateModel(
                    name='DoseOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('route', models.CharField(choices=[('sublingual', 'Sublingual'), ('intramuscular', 'Intramuscular'), ('intravenous', 'Intravenous')], max_length=15)),
                        ('dose_mg', models.DecimalField(decimal_places=2, max_digits=6)),
                        ('max_dose_mg', models.DecimalField(decimal_places=2, max_digits=6)),
                        ('active_from', models.DateField()),
                        ('active_to', models.DateField(blank=True, null=True)),
                        ('ordered_at', models.DateTimeField()),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dose_orders', to='people.client')),
                        ('ordered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.staffmember')),
                    ],
                    options={
                        'db_table': 'scheduling_doseorder',
                        'ordering': ['client', 'active_from', 'id'],
                        'indexes': [models.Index(fields=['client', 'active_from'], name='scheduling__client__53ff1d_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('route__in', ['sublingual', 'intramuscular', 'intravenous'])), name='dose_order_route_valid'), models.CheckConstraint(condition=models.Q(('dose_mg__gt', 0)), name='dose_order_dose_positive'), models.CheckConstraint(condition=models.Q(('max_dose_mg__gte', models.F('dose_mg'))), name='dose_order_max_at_least_dose'), models.CheckConstraint(condition=models.Q(('active_to__isnull', True), ('active_to__gte', models.F('active_from')), _connector='OR'), name='dose_order_active_range')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='medicalscreening',
                    constraint=models.UniqueConstraint(fields=('client', 'version'), name='screening_version_unique'),
                ),
                migrations.AddConstraint(
                    model_name='medicalscreening',
                    constraint=models.CheckConstraint(condition=models.Q(('pregnancy_status__in', ['not_applicable', 'not_pregnant', 'pregnant', 'unknown'])), name='screening_pregnancy_valid'),
                ),
                migrations.AddConstraint(
                    model_name='medicalscreening',
                    constraint=models.CheckConstraint(condition=models.Q(('des_ii_total__isnull', True), models.Q(('des_ii_total__gte', 0), ('des_ii_total__lte', 100)), _connector='OR'), name='screening_des_range'),
                ),
                migrations.AddConstraint(
                    model_name='medicalscreening',
                    constraint=models.CheckConstraint(condition=models.Q(('baseline_spo2__isnull', True), ('baseline_spo2__lte', 100), _connector='OR'), name='screening_spo2_range'),
                ),
                migrations.AddConstraint(
                    model_name='screeninganswer',
                    constraint=models.UniqueConstraint(fields=('screening', 'code'), name='screening_answer_unique'),
                ),
                migrations.AddConstraint(
                    model_name='screeninganswer',
                    constraint=models.CheckConstraint(condition=models.Q(('answer__in', ['yes', 'no', 'unknown'])), name='screening_answer_valid'),
                ),
                migrations.AddConstraint(
                    model_name='treatmentplan',
                    constraint=models.CheckConstraint(condition=models.Q(('format__in', ['ongoing', 'intensive'])), name='plan_format_valid'),
                ),
                migrations.AddConstraint(
                    model_name='treatmentplan',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['active', 'paused', 'closed'])), name='plan_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='treatmentplan',
                    constraint=models.CheckConstraint(condition=models.Q(('planned_preparation_count__isnull', True), ('planned_preparation_count__lte', 50), _connector='OR'), name='plan_preparation_count_range'),
                ),
                migrations.AddConstraint(
                    model_name='treatmentplanversion',
                    constraint=models.CheckConstraint(condition=models.Q(('format__in', ['ongoing', 'intensive'])), name='plan_version_format_valid'),
                ),
                migrations.AddConstraint(
                    model_name='treatmentplanversion',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['active', 'paused', 'closed'])), name='plan_version_status_valid'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
