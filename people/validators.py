"""Validators for the two identity numbers the registry takes, by their check characters.

- Resident ID number (居民身份证号), GB 11643-1999: 17 digits, an ISO 7064 MOD 11-2 check character
  (0-9 or X), and a real birth date in positions 7-14.
- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
  0-9ABCDEFGHJKLMNPQRTUWXY (no I, O, Z, S, V), a MOD 31 check character last.

Both normalise full-width input (NFKC, common.text.normalize_code) and upper case.
Every form, import and model that takes these numbers uses these.

And the one comparison of people's names, `normalize_name`.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import normalize_code

_RESIDENT_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")  # [0-9], not \d: \d also matches full-width digits
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(f"^[{USCC_ALPHABET}]{{18}}$")


def normalize_resident_id(value: str) -> str:
    return normalize_code(value).upper()


def resident_id_check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK[total % 11]


def resident_id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_resident_id(value: str) -> None:
    """Raise ValidationError unless `value` is a well-formed 18-character resident ID number.

    A lower-case `x` is accepted; store the value through normalize_resident_id().
    """
    number = normalize_resident_id(value)
    if not _RESIDENT_ID_RE.fullmatch(number):
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits and a final digit or X."),
            code="resident_id_format",
        )
    birth = resident_id_birth_date(number)
    if birth is None or birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(
            _("The birth date in this resident ID number is not a real date."), code="resident_id_birth_date"
        )
    if resident_id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check character of this resident ID number is wrong; please check every digit."),
            code="resident_id_check",
        )


def mask_resident_id(value: str) -> str:
    """`230102199001011234` → `2301**********1234`: enough to tell people apart, not enough to misuse."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def resident_id_mask_key(value: str) -> str:
    """What a masked number keeps (first 4 and last 4 characters), to index the masked form by."""
    number = normalize_resident_id(value)
    return f"{number[:4]}{number[-4:]}" if len(number) > 8 else ""


def normalize_uscc(value: str) -> str:
    return normalize_code(value).upper()


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Raise ValidationError unless `value` is a well-formed unified social credit code."""
    code = normalize_uscc(value)
    if not _USCC_RE.fullmatch(code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters from digits and capital letters "
                "(without I, O, Z, S and V)."
            ),
            code="uscc_format",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong; please check it."),
            code="uscc_check",
        )


_RESIDENT_ID_IN_TEXT_RE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def redact_resident_ids(text: str) -> str:
    """Every 18-character resident-ID-shaped number in `text` masked: for logs and stored message copies."""
    return _RESIDENT_ID_IN_TEXT_RE.sub(lambda m: mask_resident_id(m.group(0).upper()), text)


# Dots people type between the parts of a name (阿依古丽·买买提): all read as the middle dot.
_NAME_DOTS = str.maketrans(dict.fromkeys("•.・‧∙⋅", "·"))


def normalize_name(name: str) -> str:
    """A person's name as every comparison sees it: NFKC (full-width → half-width), no spaces of any
    width, every separating dot the middle dot `·`. Names are equal when their normal forms are equal:
    in the intake checks, the score import and the public verification alike."""
    name = unicodedata.normalize("NFKC", name or "")
    return "".join(name.split()).translate(_NAME_DOTS)
