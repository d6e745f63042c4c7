"""The registrations' change feed: one append-only row per thing that happened to a certificate, in the
order the transactions committed (common/changefeed.py), for partners' incremental sync (issue 20)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.changefeed import ChangeFeedCounter, ChangeFeedEntry


class CertificateChangeKind(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("certificate change", "Issued")
    CHANGED = "changed", pgettext_lazy("certificate change", "Changed")
    RENEWED = "renewed", pgettext_lazy("certificate change", "Renewed")
    SUPERSEDED = "superseded", pgettext_lazy("certificate change", "Superseded")
    CANCELLED = "cancelled", pgettext_lazy("certificate change", "Cancelled")
    REVOKED = "revoked", pgettext_lazy("certificate change", "Revoked")
    EXPIRED = "expired", pgettext_lazy("certificate change", "Expired")
    LAPSED = "lapsed", pgettext_lazy("certificate change", "Lapsed")
    SUSPENDED = "suspended", pgettext_lazy("certificate change", "Suspended")
    REINSTATED = "reinstated", pgettext_lazy("certificate change", "Reinstated")


class CertificateChange(ChangeFeedEntry):
    """Certificate `certificate` was issued or changed state (`kind`) at `at`. Written only by the registry's
    certificate services, in the transaction that makes the change; never updated or deleted."""

    certificate = models.ForeignKey(
        "registry.RegistrationCertificate",
        verbose_name=_("registration certificate"),
        on_delete=models.PROTECT,
        related_name="changes",
    )
    kind = models.CharField(
        pgettext_lazy("certificate change", "kind"), max_length=20, choices=CertificateChangeKind.choices
    )

    class Meta(ChangeFeedEntry.Meta):
        verbose_name = _("registration certificate change")
        verbose_name_plural = _("registration certificate changes")


class CertificateChangeCounter(ChangeFeedCounter):
    """The last sequence of the registrations' change feed."""

    class Meta:
        verbose_name = _("certificate change counter")
        verbose_name_plural = _("certificate change counters")
