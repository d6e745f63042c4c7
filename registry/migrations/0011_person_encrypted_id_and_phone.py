"""Person: the resident ID and phone numbers become encrypted columns; the ID gets its two blind indexes.

Three steps (this schema change, the data in 0011, the unique index in 0012), each its own transaction:
PostgreSQL refuses to alter a table that has pending trigger events from updates in the same transaction.
"""

import pii.fields
import people.validators
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_notification_outbox")]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["name", "id"],
                "permissions": [
                    (
                        "reveal_personal_data",
                        "Can reveal full resident ID numbers (each time recorded) and see phone numbers",
                    )
                ],
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
        migrations.AddField(
            model_name="person",
            name="id_digest",
            field=pii.fields.BlindIndexField(
                null=True,
                purpose="resident-id",
                source="id_number",
                transform=people.validators.normalize_resident_id,
                verbose_name="resident ID number index",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="id_masked_digest",
            field=pii.fields.BlindIndexField(
                db_index=True,
                null=True,
                purpose="resident-id-masked",
                source="id_number",
                transform=people.validators.resident_id_mask_key,
                verbose_name="masked resident ID number index",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=pii.fields.EncryptedCharField(
                max_length=18,
                validators=[people.validators.validate_resident_id],
                verbose_name="resident ID number",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=pii.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="mobile phone"),
        ),
    ]
