from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import text
from common.uploads import validate_new_photo
from people.validators import (
    mask_resident_id,
    normalize_resident_id,
    resident_id_mask_key,
    validate_resident_id,
)
from pii.fields import BlindIndexField, EncryptedCharField

from .choices import Level

ID_PURPOSE = "resident-id"
MASKED_ID_PURPOSE = "resident-id-masked"


def resident_id_digest(number: str) -> str:
    """The blind index of a resident ID number: the ONE way to find a person by the number.

    Every lookup by ID number (forms, spreadsheets, score imports, admin searches, the review queue, the
    demo and benchmark data) filters `id_digest` (or `person__id_digest`) by this function's result; the
    number itself is encrypted and cannot be searched.
    """
    return Person._meta.get_field("id_digest").digest(number) or ""


def resident_id_digests(numbers: Iterable[str]) -> set[str]:
    return {resident_id_digest(n) for n in numbers if n}


def masked_resident_id_digest(head: str, tail: str) -> str:
    """The blind index of a masked number as lists show it (2301**********123X): its first and last 4."""
    return Person._meta.get_field("id_masked_digest").digest(head + "0" * 10 + tail) or ""


class PersonQuerySet(models.QuerySet):
    def with_id_number(self, number: str) -> "PersonQuerySet":
        return self.filter(id_digest=resident_id_digest(number))

    def with_id_numbers(self, numbers: Iterable[str]) -> "PersonQuerySet":
        return self.filter(id_digest__in=resident_id_digests(numbers))

    def with_masked_id(self, head: str, tail: str) -> "PersonQuerySet":
        return self.filter(id_masked_digest=masked_resident_id_digest(head, tail))


def person_id_q(numbers: Iterable[str], *, path: str = "person__") -> Q:
    """`Q(person__id_digest__in=...)`: rows of other models whose person has one of `numbers`."""
    return Q(**{f"{path}id_digest__in": resident_id_digests(numbers)})


def person_photo_path(instance: "Person", filename: str) -> str:
    return f"people/{instance.pk or 'new'}/photo/{filename}"


class Person(models.Model):
    """One natural person, once per resident ID number; shared by the registry and the exams.

    The resident ID number is sensitive personal information: show `masked_id_number` unless the page's
    role needs the full number (and then as an audited act), and never log it. It and the phone number are
    encrypted at rest (pii.fields); `id_digest` finds a person by the exact number and makes it unique,
    `id_masked_digest` by the masked form that lists show.
    """

    name = models.CharField(_("name"), max_length=50, db_index=True, validators=[text.single_line])
    id_number = EncryptedCharField(_("resident ID number"), max_length=18, validators=[validate_resident_id])
    id_digest = BlindIndexField(
        _("resident ID number index"),
        source="id_number",
        purpose=ID_PURPOSE,
        transform=normalize_resident_id,
        unique=True,
    )
    id_masked_digest = BlindIndexField(
        _("masked resident ID number index"),
        source="id_number",
        purpose=MASKED_ID_PURPOSE,
        transform=resident_id_mask_key,
        db_index=True,
        null=True,
    )
    phone = EncryptedCharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    photo = models.ImageField(
        _("photo"), upload_to=person_photo_path, blank=True, validators=[validate_new_photo]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        db_table = "registry_person"  # its table from `registry` (state-only move)
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        permissions = [
            (
                "reveal_personal_data",
                _("Can reveal full resident ID numbers (each time recorded) and see phone numbers"),
            )
        ]
        indexes = [
            # The review queue's search by name is a prefix match (LIKE '张伟%'). PostgreSQL uses a btree for
            # LIKE only with the pattern operator class; other databases ignore `opclasses`.
            models.Index(fields=["name"], name="person_name_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    def clean(self) -> None:
        self.id_number = normalize_resident_id(self.id_number)

    def validate_unique(self, exclude=None) -> None:
        """One person per ID number: the uniqueness lives on the digest, which no form carries."""
        super().validate_unique(exclude)
        if (exclude and "id_number" in exclude) or not self.id_number:
            return
        others = Person.objects.with_id_number(self.id_number).exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                {"id_number": _("A person with this resident ID number is already on record.")},
                code="unique",
            )

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number)


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
        db_table = "registry_qualificationcertificate"  # its table from `registry` (state-only move)
        verbose_name = _("qualification certificate")
        verbose_name_plural = _("qualification certificates")
        ordering = ["person", "level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.number}"
