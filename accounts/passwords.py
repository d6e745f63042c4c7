"""The password policy (MLPS 2.0 level 3, 身份鉴别: 口令具有复杂度要求).

A password is at least `min_length` characters long and mixes at least `min_classes` of the four character
classes: upper-case letters, lower-case letters, digits, and symbols (anything else that is not white
space, Chinese characters included). Django's own validators, listed beside this one in
AUTH_PASSWORD_VALIDATORS, refuse a password like the username and a common password.
"""

import unicodedata

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> set[str]:
    """The classes `password` uses, by Unicode category (full-width letters count as letters)."""
    found: set[str] = set()
    for char in password:
        category = unicodedata.category(char)
        if category == "Lu":
            found.add("upper")
        elif category == "Ll":
            found.add("lower")
        elif category == "Nd":
            found.add("digit")
        elif not char.isspace():
            found.add("symbol")
    return found


class ComplexityValidator:
    """Length and character classes, with one Chinese message that says what is missing."""

    def __init__(self, min_length: int | None = None, min_classes: int = 3) -> None:
        self.min_length = min_length or settings.REGISTRY_PASSWORD_MIN_LENGTH
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "This password is too short: it needs at least %(min_length)d character.",
                        "This password is too short: it needs at least %(min_length)d characters.",
                        self.min_length,
                    ),
                    code="password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if len(character_classes(password)) < self.min_classes:
            errors.append(
                ValidationError(
                    _(
                        "This password mixes too few kinds of characters: use at least %(min_classes)d of "
                        "upper-case letters, lower-case letters, digits and symbols."
                    ),
                    code="password_too_simple",
                    params={"min_classes": self.min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "At least %(min_length)d characters, with at least %(min_classes)d of upper-case letters, "
            "lower-case letters, digits and symbols."
        ) % {"min_length": self.min_length, "min_classes": self.min_classes}


def _policy_text() -> str:
    return " ".join(password_validation.password_validators_help_texts())


# The policy in one sentence per rule, for forms that show it as plain text (the portal's sign-up).
password_policy_text = lazy(_policy_text, str)
