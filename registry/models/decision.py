from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DecisionKind(models.TextChoices):
    """The written decisions an application gets (DESIGN.md §2; issue 14, item 8), one of each at most:
    acceptance and non-acceptance are decided once, the correction notice is one-time, a denial is final."""

    ACCEPTANCE = "acceptance", _("Acceptance notice")
    NON_ACCEPTANCE = "non_acceptance", _("Non-acceptance decision")
    CORRECTION = "correction", _("Correction notice")
    DENIAL = "denial", _("Denial decision")

    @property
    def code(self) -> str:
        """The letters of its number: SL 受理, BSL 不予受理, BZ 补正, BPZ 不予批准."""
        return {"acceptance": "SL", "non_acceptance": "BSL", "correction": "BZ", "denial": "BPZ"}[self.value]


def decision_pdf_path(instance: "DecisionDocument", filename: str) -> str:
    """Under private storage (no URL serves it): one name per document."""
    return f"decisions/{instance.issued_on.year}/{instance.number}.pdf"


class DecisionDocument(models.Model):
    """A written decision on an application, as a PDF: generated once after its transition commits
    (registry/services/decision_documents.py) and never rewritten, since it was served to the employer."""

    Kind = DecisionKind

    application = models.ForeignKey(
        "registry.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="decision_documents",
    )
    kind = models.CharField(
        pgettext_lazy("written decision", "kind"), max_length=20, choices=DecisionKind.choices
    )
    number = models.CharField(_("document number"), max_length=40, unique=True)
    issued_on = models.DateField(_("dated"))
    pdf = models.FileField(_("PDF"), upload_to=decision_pdf_path, max_length=200)
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("written decision")
        verbose_name_plural = _("written decisions")
        ordering = ["application", "issued_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="decision_application_kind_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"
