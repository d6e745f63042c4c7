"""The user's employer is now `people.Employer` (the same table; state only).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_encrypt_existing_phones"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name="user",
                name="employer",
                field=models.ForeignKey(
                    blank=True,
                    help_text="Only for enterprise users: the employer whose records this user may see.",
                    null=True,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="users",
                    to="people.employer",
                    verbose_name="employer",
                ),
            ),
            ],
            database_operations=[],
        ),
    ]
