"""The certificate's generated PDF and its verification token.

Existing certificates get a fresh token each (a unique column cannot take one shared default), so the
token column is added nullable, filled in chunks with bulk updates (a million certificates would take
hours row by row), then made unique and required.
"""

from django.db import migrations, models

import registry.models.certificate
import registry.verification


def fill_tokens(apps, schema_editor):
    RegistrationCertificate = apps.get_model("registry", "RegistrationCertificate")
    missing = RegistrationCertificate.objects.filter(verification_token__isnull=True).order_by("pk")
    while chunk := list(missing.only("pk")[:5000]):
        for certificate in chunk:
            certificate.verification_token = registry.verification.verification_token_new()
        RegistrationCertificate.objects.bulk_update(chunk, ["verification_token"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_applications_certificates_materials"),
    ]

    operations = [
        migrations.AddField(
            model_name="registrationcertificate",
            name="verification_token",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="verification token"),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="registrationcertificate",
            name="verification_token",
            field=models.CharField(
                default=registry.verification.verification_token_new,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="verification token",
            ),
        ),
        migrations.AddField(
            model_name="registrationcertificate",
            name="pdf",
            field=models.FileField(
                blank=True,
                max_length=200,
                upload_to=registry.models.certificate.certificate_pdf_path,
                verbose_name="PDF",
            ),
        ),
        migrations.AddField(
            model_name="registrationcertificate",
            name="pdf_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("valid", "Valid"),
                    ("superseded", "Superseded"),
                    ("cancelled", "Cancelled"),
                    ("revoked", "Revoked"),
                    ("expired", "Expired"),
                ],
                max_length=20,
                verbose_name="state printed in the PDF",
            ),
        ),
        migrations.AddField(
            model_name="registrationcertificate",
            name="pdf_fingerprint",
            field=models.CharField(blank=True, max_length=64, verbose_name="PDF fingerprint"),
        ),
        migrations.AddField(
            model_name="registrationcertificate",
            name="pdf_generated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="PDF generated at"),
        ),
        migrations.AddField(
            model_name="registrationcertificate",
            name="pdf_error",
            field=models.TextField(
                blank=True,
                help_text="Why the PDF could not be generated; regenerating clears it.",
                verbose_name="PDF error",
            ),
        ),
    ]
