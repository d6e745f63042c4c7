"""The employer's name is stored on each certificate as issued (issue 14, item 5).

Existing certificates get the name the employer had on their issue date: the old name of the first
recorded rename after that date (people.EmployerNameChange), else the employer's current name.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    RegistrationCertificate = apps.get_model("registry", "RegistrationCertificate")
    EmployerNameChange = apps.get_model("people", "EmployerNameChange")
    changes: dict[int, list] = {}
    for change in EmployerNameChange.objects.order_by("employer_id", "changed_on", "pk"):
        changes.setdefault(change.employer_id, []).append(change)
    certificates = RegistrationCertificate.objects.select_related("employer").order_by("pk")
    for certificate in certificates.iterator(chunk_size=2000):
        name = certificate.employer.name
        for change in changes.get(certificate.employer_id, ()):
            if change.changed_on > certificate.issued_on:
                name = change.old_name
                break
        RegistrationCertificate.objects.filter(pk=certificate.pk).update(employer_name=name)


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
