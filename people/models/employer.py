from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import text
from people.validators import normalize_uscc, validate_uscc

from .choices import Prefecture


class Employer(models.Model):
    """An enterprise (企业) whose staff apply for registration. Its users see only its records."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REFUSED = "refused", _("Verification refused")

    name = models.CharField(_("name"), max_length=200, validators=[text.single_line])
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    prefecture = models.CharField(_("prefecture"), max_length=20, choices=Prefecture.choices, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[text.single_line])
    contact_name = models.CharField(
        _("contact person"), max_length=50, blank=True, validators=[text.single_line]
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_authorised_verification_institution = models.BooleanField(
        _("authorised metrological verification institution"),
        default=False,
        help_text=_(
            "Staff of an authorised verification institution are not eligible for this registration."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # Why the association refused to verify it (employer_refuse); the employer's users read it. Cleared
    # when the employer is verified.
    refusal_reason = models.TextField(_("reason for refusal"), blank=True, validators=[text.multi_line])
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "registry_employer"  # its table from `registry` (state-only move)
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.uscc = normalize_uscc(self.uscc)

    @property
    def is_eligible(self) -> bool:
        """Its staff may register: verified, active and not an authorised verification institution."""
        return self.status == self.Status.ACTIVE and not self.is_authorised_verification_institution

    @property
    def can_upload_sheets(self) -> bool:
        """Its users may upload spreadsheets: only once verified. A sheet is checked against the whole
        registry, and an unverified sign-up must not be able to probe it or load the server with it."""
        return self.status == self.Status.ACTIVE

    @property
    def can_submit(self) -> bool:
        """Its users may submit applications. Until the association verifies it they may only prepare."""
        return self.is_eligible


class EmployerNameChange(models.Model):
    """The history of an employer's names (执业单位更名), newest last."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="name_changes"
    )
    old_name = models.CharField(_("old name"), max_length=200, validators=[text.single_line])
    new_name = models.CharField(_("new name"), max_length=200, validators=[text.single_line])
    changed_on = models.DateField(_("changed on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        db_table = "registry_employernamechange"  # its table from `registry` (state-only move)
        verbose_name = _("employer name change")
        verbose_name_plural = _("employer name changes")
        ordering = ["employer", "changed_on"]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"
