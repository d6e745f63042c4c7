"""One person per resident ID number, now enforced on the blind index (the number itself is encrypted)."""

import pii.fields
import people.validators
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_encrypt_existing_people")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="id_digest",
            field=pii.fields.BlindIndexField(
                purpose="resident-id",
                source="id_number",
                transform=people.validators.normalize_resident_id,
                unique=True,
                verbose_name="resident ID number index",
            ),
        ),
    ]
