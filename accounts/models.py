from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from pii.fields import EncryptedCharField

from .roles import Role


class User(AbstractUser):
    """A person who signs in. Roles are group memberships; an enterprise user belongs to one employer."""

    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Only for enterprise users: the employer whose records this user may see."),
    )
    phone = EncryptedCharField(_("mobile phone"), max_length=20, blank=True)  # encrypted at rest

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def role_names(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_names

    @property
    def primary_role(self) -> Role | None:
        """The role whose home page this user lands on; the first in Role's order."""
        for role in Role:
            if role.value in self.role_names:
                return role
        return None
