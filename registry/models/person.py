import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry import text
from registry.uploads import validate_new_photo
from registry.validators import (
    mask_resident_id,
    normalize_resident_id,
    resident_id_birth_date,
    validate_resident_id,
)

from .choices import Level


def person_photo_path(instance: "Person", filename: str) -> str:
    return f"people/{instance.pk or 'new'}/photo/{filename}"


class Person(models.Model):
    """One natural person, once per resident ID number; shared by the registry and the exams.

    The resident ID number is sensitive personal information: show `masked_id_number` unless the page's
    role needs the full number, and never log it.
    """

    name = models.CharField(_("name"), max_length=50, db_index=True, validators=[text.single_line])
    id_number = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    photo = models.ImageField(
        _("photo"), upload_to=person_photo_path, blank=True, validators=[validate_new_photo]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        indexes = [
            # The review queue's search by name is a prefix match (LIKE '张伟%'). PostgreSQL uses a btree for
            # LIKE only with the pattern operator class; other databases ignore `opclasses`.
            models.Index(fields=["name"], name="person_name_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    def clean(self) -> None:
        self.id_number = normalize_resident_id(self.id_number)

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number)

    @property
    def birth_date(self) -> dt.date | None:
        return resident_id_birth_date(self.id_number) if self.id_number else None


class QualificationCertificate(models.Model):
    """注册计量师职业资格证书: the national qualification a person needs before registering at a level."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="qualifications"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    number = models.CharField(_("certificate number"), max_length=50, unique=True)
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issued by"), max_length=100, blank=True, validators=[text.single_line])

    class Meta:
        verbose_name = _("qualification certificate")
        verbose_name_plural = _("qualification certificates")
        ordering = ["person", "level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.number}"
