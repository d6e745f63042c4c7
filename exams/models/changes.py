"""The assessment certificates' change feed (issued, revoked), in commit order (common/changefeed.py),
for partners' incremental sync (issue 20). Only certificates issued here: recognised and verifier
certificates are other authorities' to publish."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.changefeed import ChangeFeedCounter, ChangeFeedEntry


class AssessmentChangeKind(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("certificate change", "Issued")
    REVOKED = "revoked", pgettext_lazy("certificate change", "Revoked")


class AssessmentCertificateChange(ChangeFeedEntry):
    """Assessment certificate `certificate` was issued or revoked at `at`. Written only by exams/services.py
    in the transaction that makes the change; never updated or deleted."""

    certificate = models.ForeignKey(
        "exams.AssessmentCertificate",
        verbose_name=_("assessment certificate"),
        on_delete=models.PROTECT,
        related_name="changes",
    )
    kind = models.CharField(
        pgettext_lazy("certificate change", "kind"), max_length=20, choices=AssessmentChangeKind.choices
    )

    class Meta(ChangeFeedEntry.Meta):
        verbose_name = _("assessment certificate change")
        verbose_name_plural = _("assessment certificate changes")


class AssessmentChangeCounter(ChangeFeedCounter):
    """The last sequence of the assessment certificates' change feed."""

    class Meta:
        verbose_name = _("assessment change counter")
        verbose_name_plural = _("assessment change counters")
