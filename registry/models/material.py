from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.uploads import validate_new_material_file
from registry.materials import MaterialKind


def material_path(instance: "Material", filename: str) -> str:
    """Under private storage (settings.PRIVATE_STORAGE_ROOT), which no URL serves."""
    return f"applications/{instance.application_id}/materials/{filename}"


class Material(models.Model):
    """One uploaded file of an application. Reached only through the permission-checked download view."""

    Kind = MaterialKind

    application = models.ForeignKey(
        "registry.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    kind = models.CharField(pgettext_lazy("material", "kind"), max_length=40, choices=MaterialKind.choices)
    # The project an assessment-certificate copy is of: one copy per project applied for (issue 14).
    project = models.ForeignKey(
        "exams.MetrologyProject",
        verbose_name=_("metrology project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(
        _("file"), upload_to=material_path, max_length=300, validators=[validate_new_material_file]
    )
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["application", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"
