"""Encrypt every user's phone number (pii/crypto.py); backwards, decrypt them."""

from django.db import migrations

from pii.migration_ops import decrypt_columns, encrypt_columns


def encrypt(apps, schema_editor):
    encrypt_columns(schema_editor.connection, "accounts_user", ["phone"], {})


def decrypt(apps, schema_editor):
    decrypt_columns(schema_editor.connection, "accounts_user", ["phone"], {})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_phone_encrypted")]

    operations = [migrations.RunPython(encrypt, decrypt)]
