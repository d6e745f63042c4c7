import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import text

PROJECT_CODE_RE = re.compile(r"^[0-9]{2}\.[0-9]{2,3}$")


class MetrologyCategory(models.Model):
    """A metrology specialty category (专业类别), by its JJF 1022 first-level code."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=50, validators=[text.single_line])

    class Meta:
        verbose_name = _("metrology category")
        verbose_name_plural = _("metrology categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MetrologyProject(models.Model):
    """A metrology project (计量专业项目): what an assessment certificate and a registration cover."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=[text.single_line])
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

    def clean(self) -> None:
        self.code = (self.code or "").strip()
        if not PROJECT_CODE_RE.fullmatch(self.code):
            raise ValidationError(
                {"code": _("A project code is the category code, a dot and a number, e.g. 12.01.")},
                code="project_code",
            )
        if self.category_id and not self.code.startswith(f"{self.category.code}."):
            raise ValidationError(
                {"code": _("The project code must begin with its category's code.")}, code="project_category"
            )
