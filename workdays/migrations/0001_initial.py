"""The working-day calendar moves from `registry` to `workdays`.

The tables were made by registry's migrations 0002-0003 and keep their names.
"""

import common.text
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_types(apps, schema_editor, *, models, old, new):
    """The moved models' content types change app label and keep their ids, so that permissions, role
    groups and every audit event that points at a row (target type + id) still point at the same thing."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in models:
        # A content type under the new label exists only if the new app was seen before this ran; it
        # holds nothing yet, so the old one, which permissions and audit events point at, wins.
        ContentType.objects.using(db).filter(app_label=new, model=model).delete()
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


MOVED = ['calendarday', 'calendaryear', 'calendarchange']


def content_types_to_workdays(apps, schema_editor):
    _move_content_types(apps, schema_editor, models=MOVED, old="registry", new="workdays")


def content_types_to_workdays_back(apps, schema_editor):
    _move_content_types(apps, schema_editor, models=MOVED, old="workdays", new="registry")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0014_free_text_and_upload_validators'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='CalendarChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('changed_at', models.DateTimeField(auto_now_add=True, verbose_name='changed at')),
                    ('action', models.CharField(choices=[('day_set', 'Day set'), ('day_deleted', 'Day deleted'), ('year_status', 'Year status changed'), ('sync', 'Synchronised from chinese-calendar')], max_length=20, verbose_name='action')),
                    ('detail', models.JSONField(blank=True, default=dict, verbose_name='detail')),
                    ('days', models.JSONField(blank=True, default=list, verbose_name='days whose status changed')),
                    ('deadlines_recomputed', models.PositiveIntegerField(blank=True, help_text='Filled in after the change is committed; empty if the recomputation has not run.', null=True, verbose_name='deadlines recomputed')),
                    ('changed_by', models.ForeignKey(blank=True, help_text='Empty when the system made the change (sync_workdays).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                ],
                options={
                    'verbose_name': 'calendar change',
                    'verbose_name_plural': 'calendar changes',
                    'db_table': 'registry_calendarchange',
                    'ordering': ['-changed_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='CalendarDay',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField(unique=True, verbose_name='day')),
                    ('kind', models.CharField(choices=[('day_off', 'Day off'), ('working_day', 'Working day')], max_length=20, verbose_name='kind')),
                    ('note', models.CharField(blank=True, help_text='For example 春节 or 国庆节调休上班.', max_length=100, validators=[common.text.PlainTextValidator()], verbose_name='note')),
                    ('edited_by_staff', models.BooleanField(default=False, help_text='Entered or changed by hand; sync_workdays never overwrites it.', verbose_name='edited by staff')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
                ],
                options={
                    'verbose_name': 'calendar day',
                    'verbose_name_plural': 'calendar days',
                    'db_table': 'registry_calendarday',
                    'ordering': ['-day'],
                },
            ),
            migrations.CreateModel(
                name='CalendarYear',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                    ('status', models.CharField(choices=[('official', 'Official'), ('provisional', 'Provisional')], db_index=True, default='provisional', max_length=20, verbose_name='status')),
                    ('note', models.CharField(blank=True, max_length=200, validators=[common.text.PlainTextValidator()], verbose_name='note')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
                ],
                options={
                    'verbose_name': 'calendar year',
                    'verbose_name_plural': 'calendar years',
                    'db_table': 'registry_calendaryear',
                    'ordering': ['-year'],
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_workdays, content_types_to_workdays_back),
    ]
