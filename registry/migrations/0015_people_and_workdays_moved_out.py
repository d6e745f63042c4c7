"""Employers, people and the calendar leave `registry` for `people` and `workdays` (state only: their
tables and rows stay where they are).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('workdays', '0001_initial'),
        ("accounts", "0006_user_employer_in_people"),
        ("exams", "0006_person_in_people"),
        ("people", "0001_initial"),
        ("registry", "0014_free_text_and_upload_validators"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name="calendarday",
                name="updated_by",
            ),
            migrations.RemoveField(
                model_name="calendaryear",
                name="updated_by",
            ),
            migrations.RemoveField(
                model_name="employer",
                name="verified_by",
            ),
            migrations.AlterField(
                model_name="application",
                name="employer",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="applications",
                    to="people.employer",
                    verbose_name="employer",
                ),
            ),
            migrations.AlterField(
                model_name="registrationcertificate",
                name="employer",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="registration_certificates",
                    to="people.employer",
                    verbose_name="employer",
                ),
            ),
            migrations.AlterField(
                model_name="batch",
                name="employer",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="batches",
                    to="people.employer",
                    verbose_name="employer",
                ),
            ),
            migrations.RemoveField(
                model_name="employernamechange",
                name="employer",
            ),
            migrations.AlterField(
                model_name="registrationcertificate",
                name="person",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="registration_certificates",
                    to="people.person",
                    verbose_name="person",
                ),
            ),
            migrations.RemoveField(
                model_name="qualificationcertificate",
                name="person",
            ),
            migrations.AlterField(
                model_name="application",
                name="person",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="applications",
                    to="people.person",
                    verbose_name="person",
                ),
            ),
            migrations.DeleteModel(
                name="CalendarChange",
            ),
            migrations.DeleteModel(
                name="CalendarDay",
            ),
            migrations.DeleteModel(
                name="CalendarYear",
            ),
            migrations.DeleteModel(
                name="Employer",
            ),
            migrations.DeleteModel(
                name="EmployerNameChange",
            ),
            migrations.DeleteModel(
                name="QualificationCertificate",
            ),
            migrations.DeleteModel(
                name="Person",
            ),
            ],
            database_operations=[],
        ),
    ]
