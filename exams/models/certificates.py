"""The three sources of an assessment certificate, and the counter that numbers ours.

- AssessmentCertificate (计量专业项目考核合格证): issued here by the training centre for passed results.
- RecognisedCertificate: issued in a Yangtze River Delta partner region and recognised under the
  mutual-recognition notice; it counts only once a staff member has checked it.
- VerifierCertificate (计量检定员证): the old verifier certificate of a metrology authority, whose approved
  projects count as assessment certificates, again only once checked.

Validity: the national rules give an assessment certificate no term, so ours are valid until revoked
(`valid_until` stays empty). The other two may carry an end date printed on the original; if set,
the certificate stops counting after it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common import text

from .catalogue import MetrologyProject


class CertificateBase(models.Model):
    """What all three sources share: whose, which projects, from when to when, and revocation."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    projects = models.ManyToManyField(
        MetrologyProject, verbose_name=_("metrology projects"), related_name="%(class)ss"
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty when valid until revoked.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    revocation_reason = models.CharField(
        _("reason for revocation"), max_length=200, blank=True, validators=[text.single_line]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class CertificateNumberCounter(models.Model):
    """The last number issued in a year. Locked (select_for_update) while a number is taken, so that
    numbers are unique and gap-free per year even when certificates are issued concurrently."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate number counter")
        verbose_name_plural = _("certificate number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class AssessmentCertificate(CertificateBase):
    """计量专业项目考核合格证 issued by the training centre; numbered HLJKH-<year>-<000001>."""

    NUMBER_PREFIX = "HLJKH"

    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    issuer = models.CharField(_("issuing authority"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assessment certificate")
        verbose_name_plural = _("assessment certificates")
        ordering = ["-issued_on", "-number"]

    def __str__(self) -> str:
        return self.number


class CheckedCertificate(CertificateBase):
    """A certificate issued elsewhere: it counts only after a staff member checked the original."""

    issuing_authority = models.CharField(
        _("issuing authority"), max_length=200, validators=[text.single_line]
    )
    original_number = models.CharField(
        _("original certificate number"), max_length=60, validators=[text.single_line]
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class RecognisedCertificate(CheckedCertificate):
    """A certificate from a Yangtze River Delta region, recognised under the mutual-recognition notice."""

    class Region(models.TextChoices):
        SHANGHAI = "shanghai", _("Shanghai")
        JIANGSU = "jiangsu", _("Jiangsu")
        ZHEJIANG = "zhejiang", _("Zhejiang")
        ANHUI = "anhui", _("Anhui")

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Metrology project assessment certificate")
        VERIFIER = "verifier", _("Verifier certificate")

    region = models.CharField(_("issuing region"), max_length=20, choices=Region.choices)
    kind = models.CharField(
        pgettext_lazy("recognised certificate", "kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.ASSESSMENT,
    )

    class Meta:
        verbose_name = _("recognised certificate")
        verbose_name_plural = _("recognised certificates")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "original_number"], name="exams_recognised_once_per_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_region_display()} {self.original_number}"


class VerifierCertificate(CheckedCertificate):
    """计量检定员证 issued by a (former) metrology authority; its approved projects count."""

    class Meta:
        verbose_name = _("verifier certificate")
        verbose_name_plural = _("verifier certificates")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_authority", "original_number"], name="exams_verifier_once_per_authority"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuing_authority} {self.original_number}"
