"""Who may call the exchange API, with which keys, what each call did, and what partners submitted.

- Partner: a partner region's registry, the bureau's platform or an e-government service, with the scopes
  it was granted. Staff create partners in the admin; nothing is granted by default.
- ApiKey: a bearer key of a partner. Only a keyed hash of the secret is stored (exchange/keys.py); the key
  is shown once when issued. Every key expires; a key can be revoked.
- AccessLog: one row per API call that named a known key (also the refused ones), append-only.
- InboundCertificate: a certificate a partner submitted for recognition. Never trusted by itself: it
  counts only once staff accept it (exchange/services.py), which creates or links the exams
  RecognisedCertificate of the person.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common import text
from exams.models import RecognisedCertificate
from people.validators import mask_resident_id, normalize_resident_id, validate_resident_id
from pii.fields import BlindIndexField, EncryptedCharField


class Scope(models.TextChoices):
    """What a key may do. A router of the API names the one scope its operations need (exchange/auth.py)."""

    VERIFY_READ = "verify:read", _("Verify certificates")
    SYNC_READ = "sync:read", _("Read the change feed")
    RECOGNITION_WRITE = "recognition:write", _("Submit certificates for recognition")


class Partner(models.Model):
    class Kind(models.TextChoices):
        REGION = "region", _("Partner region's registry")
        PLATFORM = "platform", _("Supervision platform")
        EGOVERNMENT = "egovernment", _("E-government service")

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[text.single_line])
    kind = models.CharField(pgettext_lazy("partner", "kind"), max_length=20, choices=Kind.choices)
    region = models.CharField(
        _("region"),
        max_length=20,
        choices=RecognisedCertificate.Region.choices,
        blank=True,
        help_text=_("The region whose certificates this partner submits; empty for a platform."),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True, validators=[text.single_line])
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API partner")
        verbose_name_plural = _("API partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ApiKey(models.Model):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="keys"
    )
    label = models.CharField(_("label"), max_length=100, blank=True, validators=[text.single_line])
    prefix = models.CharField(_("key ID"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("hash of the secret"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
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
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.partner} {self.prefix}"


class AccessLog(models.Model):
    """One API call by a known key. Written by exchange.middleware only; never changed or deleted."""

    at = models.DateTimeField(_("at"), db_index=True)
    key = models.ForeignKey(ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=10)
    operation = models.CharField(_("operation"), max_length=100)
    path = models.CharField(_("path"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"), db_index=True)
    records = models.PositiveIntegerField(_("records"), default=0)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    request_id = models.CharField(_("request ID"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("API access log entry")
        verbose_name_plural = _("API access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["partner", "-at"], name="exchange_log_partner_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.operation} {self.status}"


class InboundCertificate(models.Model):
    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Level 1 registration")
        ASSESSMENT = "assessment", _("Metrology project assessment certificate")
        VERIFIER = "verifier", _("Verifier certificate")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending review")
        ACCEPTED = "accepted", pgettext_lazy("recognition", "Accepted")
        REJECTED = "rejected", pgettext_lazy("recognition", "Rejected")

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="submissions"
    )
    reference = models.CharField(_("partner's reference"), max_length=64)
    kind = models.CharField(
        pgettext_lazy("recognised certificate", "kind"), max_length=20, choices=Kind.choices
    )
    holder_name = models.CharField(_("holder's name"), max_length=50, validators=[text.single_line])
    holder_id_number = EncryptedCharField(
        _("holder's resident ID number"), max_length=18, validators=[validate_resident_id]
    )
    holder_id_digest = BlindIndexField(
        _("resident ID number index"),
        source="holder_id_number",
        purpose="resident-id",  # the same purpose as people.Person's: finds the person at review
        transform=normalize_resident_id,
        db_index=True,
    )
    number = models.CharField(_("certificate number"), max_length=60, validators=[text.single_line])
    issuing_authority = models.CharField(
        _("issuing authority"), max_length=200, validators=[text.single_line]
    )
    region = models.CharField(
        _("issuing region"), max_length=20, choices=RecognisedCertificate.Region.choices
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    projects = models.JSONField(_("metrology projects"), default=list)
    # A keyed digest of everything submitted: a resubmission with the same reference is compared by it.
    content_digest = models.CharField(max_length=43, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True, validators=[text.multi_line])
    recognised = models.ForeignKey(
        RecognisedCertificate,
        verbose_name=_("recognised certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("submitted certificate")
        verbose_name_plural = _("submitted certificates")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "reference"], name="exchange_inbound_once_per_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.number}"

    @property
    def masked_holder_id_number(self) -> str:
        return mask_resident_id(self.holder_id_number)
