"""One `issued` change per existing certificate, then one change for its present state where it is no
longer valid (the state slugs are the change kinds), so a partner's first full sync sees every certificate.

Set-based and in batches of ids (INSERT … SELECT, numbered with ROW_NUMBER()): a million certificates take
seconds, not a Python loop. Order: issues by certificate id, then ends by certificate id."""

from django.db import migrations

BATCH = 200_000


def _at_end_of(connection) -> str:
    """SQL for the instant a certificate ended: the start of `ended_on` in China, else its creation."""
    if connection.vendor == "postgresql":
        return "COALESCE(ended_on::timestamp AT TIME ZONE 'Asia/Shanghai', created_at)"
    return "COALESCE(datetime(ended_on, '-8 hours'), created_at)"


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    Certificate = apps.get_model("registry", "RegistrationCertificate")
    Counter = apps.get_model("registry", "CertificateChangeCounter")
    table = Certificate._meta.db_table
    changes = apps.get_model("registry", "CertificateChange")._meta.db_table
    last = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        top = cursor.fetchone()[0] or 0
        for kind_sql, at_sql, where in (
            ("'issued'", "created_at", "TRUE"),
            ("state", _at_end_of(connection), "state <> 'valid'"),
        ):
            for start in range(0, top, BATCH):
                cursor.execute(
                    f"INSERT INTO {changes} (sequence, certificate_id, kind, at) "
                    f"SELECT %s + ROW_NUMBER() OVER (ORDER BY id), id, {kind_sql}, {at_sql} FROM {table} "
                    f"WHERE id > %s AND id <= %s AND {where}",
                    [last, start, start + BATCH],
                )
                last += cursor.rowcount
    if last:
        Counter.objects.update_or_create(pk=1, defaults={"last": last})


class Migration(migrations.Migration):
    dependencies = [("registry", "0024_certificate_change_feed")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
