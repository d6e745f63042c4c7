"""One `issued` change per existing assessment certificate, then one `revoked` change per revoked one, so a
partner's first full sync sees every certificate. Set-based and in batches of ids (INSERT … SELECT)."""

from django.db import migrations

BATCH = 200_000


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    Certificate = apps.get_model("exams", "AssessmentCertificate")
    Counter = apps.get_model("exams", "AssessmentChangeCounter")
    table = Certificate._meta.db_table
    changes = apps.get_model("exams", "AssessmentCertificateChange")._meta.db_table
    last = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        top = cursor.fetchone()[0] or 0
        for kind, at, where in (
            ("issued", "created_at", "TRUE"),
            ("revoked", "revoked_at", "revoked_at IS NOT NULL"),
        ):
            for start in range(0, top, BATCH):
                cursor.execute(
                    f"INSERT INTO {changes} (sequence, certificate_id, kind, at) "
                    f"SELECT %s + ROW_NUMBER() OVER (ORDER BY id), id, %s, {at} FROM {table} "
                    f"WHERE id > %s AND id <= %s AND {where}",
                    [last, kind, start, start + BATCH],
                )
                last += cursor.rowcount
    if last:
        Counter.objects.update_or_create(pk=1, defaults={"last": last})


class Migration(migrations.Migration):
    dependencies = [("exams", "0008_assessment_change_feed")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
