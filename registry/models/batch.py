from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import text


class Batch(models.Model):
    """An employer's submission of many applications at once (由所在单位统一提出).

    The batch only groups them: each application keeps its own state and clock, so one person's
    incomplete materials never hold up the others (registry/services/batches.py).
    """

    employer = models.ForeignKey(
        "people.Employer", verbose_name=_("employer"), on_delete=models.PROTECT, related_name="batches"
    )
    title = models.CharField(_("title"), max_length=200, validators=[text.single_line])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The undertaking that the applicants and the employer answer for the truth of the materials
    # (申请人及申请单位要对申请材料的真实性负责), confirmed at the last submission: who and when.
    truthfulness_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("truthfulness undertaking confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    truthfulness_confirmed_at = models.DateTimeField(
        _("truthfulness undertaking confirmed at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"PC{self.pk or 0:06d}"
