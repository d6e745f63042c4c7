"""The employer's name is stored on each certificate as issued (issue 14, item 5).

Existing certificates get the name the employer had on their issue date: the old name of the first
recorded rename after that date (people.EmployerNameChange), else the employer's current name.

One set-based UPDATE (the same statement on PostgreSQL and SQLite), not a Python loop with an UPDATE per
certificate: the loop took 911 s at 120,000 certificates and held every certificate's row lock for all of
it (docs/performance.md, "Migrations at 1,000,000"); the statement takes seconds at 500,000.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    certificates = apps.get_model("registry", "RegistrationCertificate")._meta.db_table
    changes = apps.get_model("people", "EmployerNameChange")._meta.db_table
    employers = apps.get_model("people", "Employer")._meta.db_table
    quote = schema_editor.connection.ops.quote_name
    c, n, e = quote(certificates), quote(changes), quote(employers)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {c} SET employer_name = COALESCE("  # noqa: S608 - quoted table names, no input
            f"(SELECT n.old_name FROM {n} n WHERE n.employer_id = {c}.employer_id "
            f"AND n.changed_on > {c}.issued_on ORDER BY n.changed_on, n.id LIMIT 1), "
            f"(SELECT e.name FROM {e} e WHERE e.id = {c}.employer_id))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("registry", "0019_change_of_employer_and_lapse"),
    ]

    operations = [
        migrations.AddField(
            model_name="registrationcertificate",
            name="employer_name",
            field=models.CharField(default="", max_length=200, verbose_name="employer name as issued"),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
