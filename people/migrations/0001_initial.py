"""Employers and people move from `registry` to `people`.

The tables were made by registry's migrations 0001-0014 and keep their names.
"""

import common.text
import common.uploads
import django.db.models.deletion
import people.models.person
import people.validators
import pii.fields
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


MOVED = ['employer', 'employernamechange', 'person', 'qualificationcertificate']


def content_types_to_people(apps, schema_editor):
    _move_content_types(apps, schema_editor, models=MOVED, old="registry", new="people")


def content_types_to_people_back(apps, schema_editor):
    _move_content_types(apps, schema_editor, models=MOVED, old="people", new="registry")


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
                name='Employer',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, validators=[common.text.PlainTextValidator()], verbose_name='name')),
                    ('uscc', models.CharField(max_length=18, unique=True, validators=[people.validators.validate_uscc], verbose_name='unified social credit code')),
                    ('prefecture', models.CharField(choices=[('harbin', 'Harbin'), ('qiqihar', 'Qiqihar'), ('jixi', 'Jixi'), ('hegang', 'Hegang'), ('shuangyashan', 'Shuangyashan'), ('daqing', 'Daqing'), ('yichun', 'Yichun'), ('jiamusi', 'Jiamusi'), ('qitaihe', 'Qitaihe'), ('mudanjiang', 'Mudanjiang'), ('heihe', 'Heihe'), ('suihua', 'Suihua'), ('daxinganling', 'Da Hinggan Ling Prefecture')], db_index=True, max_length=20, verbose_name='prefecture')),
                    ('address', models.CharField(blank=True, max_length=300, validators=[common.text.PlainTextValidator()], verbose_name='address')),
                    ('contact_name', models.CharField(blank=True, max_length=50, validators=[common.text.PlainTextValidator()], verbose_name='contact person')),
                    ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='contact phone')),
                    ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='contact e-mail')),
                    ('is_authorised_verification_institution', models.BooleanField(default=False, help_text='Staff of an authorised verification institution are not eligible for this registration.', verbose_name='authorised metrological verification institution')),
                    ('status', models.CharField(choices=[('pending', 'Pending verification'), ('active', 'Active'), ('suspended', 'Suspended')], db_index=True, default='pending', max_length=20, verbose_name='status')),
                    ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='verified at')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='verified by')),
                ],
                options={
                    'verbose_name': 'employer',
                    'verbose_name_plural': 'employers',
                    'db_table': 'registry_employer',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='EmployerNameChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('old_name', models.CharField(max_length=200, validators=[common.text.PlainTextValidator()], verbose_name='old name')),
                    ('new_name', models.CharField(max_length=200, validators=[common.text.PlainTextValidator()], verbose_name='new name')),
                    ('changed_on', models.DateField(verbose_name='changed on')),
                    ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                    ('employer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_changes', to='people.employer', verbose_name='employer')),
                ],
                options={
                    'verbose_name': 'employer name change',
                    'verbose_name_plural': 'employer name changes',
                    'db_table': 'registry_employernamechange',
                    'ordering': ['employer', 'changed_on'],
                },
            ),
            migrations.CreateModel(
                name='Person',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(db_index=True, max_length=50, validators=[common.text.PlainTextValidator()], verbose_name='name')),
                    ('id_number', pii.fields.EncryptedCharField(max_length=18, validators=[people.validators.validate_resident_id], verbose_name='resident ID number')),
                    ('id_digest', pii.fields.BlindIndexField(purpose='resident-id', source='id_number', transform=people.validators.normalize_resident_id, unique=True, verbose_name='resident ID number index')),
                    ('id_masked_digest', pii.fields.BlindIndexField(db_index=True, null=True, purpose='resident-id-masked', source='id_number', transform=people.validators.resident_id_mask_key, verbose_name='masked resident ID number index')),
                    ('phone', pii.fields.EncryptedCharField(blank=True, max_length=20, verbose_name='mobile phone')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                    ('photo', models.ImageField(blank=True, upload_to=people.models.person.person_photo_path, validators=[common.uploads.validate_new_photo], verbose_name='photo')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ],
                options={
                    'verbose_name': 'person',
                    'verbose_name_plural': 'people',
                    'db_table': 'registry_person',
                    'ordering': ['name', 'id'],
                    'permissions': [('reveal_personal_data', 'Can reveal full resident ID numbers (each time recorded) and see phone numbers')],
                    'indexes': [models.Index(fields=['name'], name='person_name_prefix_idx', opclasses=['varchar_pattern_ops'])],
                },
            ),
            migrations.CreateModel(
                name='QualificationCertificate',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level', models.PositiveSmallIntegerField(choices=[(1, 'Level 1'), (2, 'Level 2')], verbose_name='level')),
                    ('number', models.CharField(max_length=50, unique=True, verbose_name='certificate number')),
                    ('issued_on', models.DateField(verbose_name='issued on')),
                    ('issuer', models.CharField(blank=True, max_length=100, validators=[common.text.PlainTextValidator()], verbose_name='issued by')),
                    ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='qualifications', to='people.person', verbose_name='person')),
                ],
                options={
                    'verbose_name': 'qualification certificate',
                    'verbose_name_plural': 'qualification certificates',
                    'db_table': 'registry_qualificationcertificate',
                    'ordering': ['person', 'level'],
                },
            ),
            migrations.AddIndex(
                model_name='employer',
                index=models.Index(fields=['name'], name='registry_em_name_f163c5_idx'),
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_people, content_types_to_people_back),
    ]
