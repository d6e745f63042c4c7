from django.db import models
from django.utils.translation import gettext_lazy as _


class MetrologyCategory(models.Model):
    """A metrology specialty category (专业类别), by its JJF 1022 first-level code."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("metrology category")
        verbose_name_plural = _("metrology categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MetrologyProject(models.Model):
    """A metrology project (计量专业项目): what an assessment certificate and a registration cover."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        MetrologyCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="projects"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("metrology project")
        verbose_name_plural = _("metrology projects")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
