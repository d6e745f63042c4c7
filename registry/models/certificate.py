import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.uploads import validate_new_material_file
from people.models import Level
from registry.verification import verification_token_new
from registry.workflow import CertificateState, CertificateWorkflow

VALIDITY_YEARS = 5


def validity_end(valid_from: dt.date, years: int = VALIDITY_YEARS) -> dt.date:
    """The last valid day: `years` years after `valid_from`, minus one day (29 Feb → 28 Feb)."""
    try:
        anniversary = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February into a common year
        anniversary = valid_from.replace(year=valid_from.year + years, day=28) + dt.timedelta(days=1)
    return anniversary - dt.timedelta(days=1)


def certificate_number(*, year: int, level: int, sequence: int) -> str:
    """`HLJ-ZC1-2026-00001`: ASCII so it can be typed, printed in a QR code and searched exactly.

    HLJ = Heilongjiang, ZC = 注册, then the level, the year of issue and the sequence within both.
    See docs/decisions/0001-certificate-numbers.md.
    """
    return f"HLJ-ZC{level}-{year}-{sequence:05d}"


def lapse_evidence_path(instance: "RegistrationCertificate", filename: str) -> str:
    """Under private storage, which no URL serves: the document proving why the registration lapsed."""
    return f"certificates/{instance.year}/{instance.number}-lapse-{filename}"


def certificate_pdf_path(instance: "RegistrationCertificate", filename: str) -> str:
    """Under private storage, one stable name per certificate: regenerating replaces the file."""
    return f"certificates/{instance.year}/{instance.number}.pdf"


class RegistrationCertificate(CertificateWorkflow):
    """企业注册计量师注册证. Created only by issuing an application (registry/services/certificates.py)."""

    State = CertificateState

    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("year of issue"))
    sequence = models.PositiveIntegerField(_("sequence"))
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="registration_certificates",
    )
    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="registration_certificates",
    )
    # The employer's name as issued: what the PDF, /verify/ and lists print, whatever the employer is
    # called later. A rename reaches a certificate only by issuing a change-of-employer-name application,
    # which issues a new certificate under the new name (issue 14, item 5).
    employer_name = models.CharField(_("employer name as issued"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    projects = models.ManyToManyField(
        "exams.MetrologyProject",
        verbose_name=_("metrology projects"),
        related_name="registration_certificates",
    )
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    application = models.OneToOneField(
        "registry.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="produced_certificate",
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The evidence of a lapse (death certificate, court decision, …), checked by content on upload.
    lapse_evidence = models.FileField(
        _("evidence of the lapse"),
        upload_to=lapse_evidence_path,
        max_length=300,
        blank=True,
        validators=[validate_new_material_file],
    )
    # The public verification page finds a certificate by this token (its QR code carries it), never by
    # its sequential number alone: docs/decisions/0005-public-verification.md.
    verification_token = models.CharField(
        _("verification token"), max_length=32, unique=True, default=verification_token_new, editable=False
    )
    # The signed PDF (registry/services/certificate_pdfs.py), made once and never rewritten: a later state
    # change shows on /verify/, not in the file. `pdf_state` is the state it prints (valid, unless it was
    # first made after the certificate ended); `pdf_fingerprint` is a hash of everything it prints, for
    # re-signing in development after SITE_URL changed (`certificates_pdf_reprint`).
    pdf = models.FileField(_("PDF"), upload_to=certificate_pdf_path, max_length=200, blank=True)
    pdf_state = models.CharField(
        _("state printed in the PDF"), max_length=20, choices=CertificateState.choices, blank=True
    )
    pdf_fingerprint = models.CharField(_("PDF fingerprint"), max_length=64, blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF generated at"), null=True, blank=True)
    pdf_error = models.TextField(
        _("PDF error"),
        blank=True,
        help_text=_("Why the PDF could not be generated; regenerating clears it."),
    )

    class Meta:
        verbose_name = _("registration certificate")
        verbose_name_plural = _("registration certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level", "sequence"], name="cert_year_level_sequence_uniq"
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_until"], name="cert_state_until_idx")]

    def __str__(self) -> str:
        return self.number


class CertificateCounter(models.Model):
    """The last sequence used per (year, level); locked while a number is drawn, so none is skipped."""

    year = models.PositiveSmallIntegerField(_("year"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    last = models.PositiveIntegerField(_("last sequence"), default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")
        constraints = [models.UniqueConstraint(fields=["year", "level"], name="counter_year_level_uniq")]

    def __str__(self) -> str:
        return f"{self.year}-{self.level}: {self.last}"
