"""Encrypt every person's resident ID and phone numbers and fill the ID's blind indexes (pii/crypto.py)."""

from django.db import migrations

from pii.migration_ops import decrypt_columns, encrypt_columns
from people.validators import normalize_resident_id, resident_id_mask_key

COLUMNS = ["id_number", "phone"]
DIGESTS = {
    "id_number": [
        ("id_digest", "resident-id", normalize_resident_id),
        ("id_masked_digest", "resident-id-masked", resident_id_mask_key),
    ]
}


def encrypt(apps, schema_editor):
    encrypt_columns(schema_editor.connection, "registry_person", COLUMNS, DIGESTS)


def decrypt(apps, schema_editor):
    decrypt_columns(schema_editor.connection, "registry_person", COLUMNS, DIGESTS)


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_person_encrypted_id_and_phone")]

    operations = [migrations.RunPython(encrypt, decrypt)]
