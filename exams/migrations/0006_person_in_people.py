"""Assessment records point at `people.Person` (the same table; state only).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0005_free_text_validators"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name="assessmentcertificate",
                name="person",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="%(class)ss",
                    to="people.person",
                    verbose_name="person",
                ),
            ),
            migrations.AlterField(
                model_name="assessmentresult",
                name="person",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="assessment_results",
                    to="people.person",
                    verbose_name="person",
                ),
            ),
            migrations.AlterField(
                model_name="recognisedcertificate",
                name="person",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="%(class)ss",
                    to="people.person",
                    verbose_name="person",
                ),
            ),
            migrations.AlterField(
                model_name="verifiercertificate",
                name="person",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="%(class)ss",
                    to="people.person",
                    verbose_name="person",
                ),
            ),
            ],
            database_operations=[],
        ),
    ]
