"""Users' phone numbers are encrypted at rest (pii/fields.py): the column first, then the rows."""

import pii.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_roles")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=pii.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="mobile phone"),
        ),
    ]
