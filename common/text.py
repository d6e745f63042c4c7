"""Free text people type (names, titles, addresses, reasons, notes): what it may contain, in one place.

Every form, spreadsheet reader and model field that stores such text uses these, so the portal's form,
the batch spreadsheet, the score import and the admin refuse the same input with the same message.

- **Invisible characters are refused, not stripped.** Control characters (C0 and C1, except newline, tab
  and carriage return in multi-line text), Unicode format characters (bidi overrides and isolates such
  as U+202E, U+2066–U+2069, the marks U+200E/U+200F, zero-width characters, the BOM) and line/paragraph
  separators. They make stored text display differently from what it is (a name or a title that reads
  backwards), break name matching against the ID card, and have no use in this registry. Refusing keeps
  what is stored exactly what the person typed and tells them why; silently stripping would store text
  nobody saw. See docs/decisions/0031-free-text-and-export-escaping.md.
- **A value a spreadsheet would run as a formula is refused** where it is a name or other single-line
  text: one starting (after any spaces) with =, @, or + or - followed by anything but a number (a phone
  number such as +8613904510000 stays allowed). Exports escape such cells anyway (registry/sheet_formats.py);
  refusing them on the way in keeps the portal's form and the spreadsheet path in agreement.

Unassigned code points and private-use characters are allowed: some rare name characters (生僻字) are
newer than Python's Unicode tables or come from older systems' private-use areas.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_MULTILINE_ALLOWED = frozenset("\n\r\t")
_SIGNED_NUMBER = re.compile(r"[+-][0-9 .]*")

INVISIBLE_MESSAGE = _(
    "The text contains invisible control or text-direction characters (often copied from a web page or "
    "another program). Delete it and type it again."
)
FORMULA_MESSAGE = _(
    "Text may not start with =, +, - or @ (a spreadsheet would run it as a formula); type the value itself."
)


def invisible_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether `value` holds a character this registry refuses (see the module's docstring)."""
    for char in value:
        if multiline and char in _MULTILINE_ALLOWED:
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return True
    return False


def looks_like_formula(value: object) -> bool:
    """Text a spreadsheet would evaluate: =, @, or + / - before anything but a number; also a leading
    tab or carriage return (OWASP's CSV-injection list). Leading whitespace does not hide it."""
    if not isinstance(value, str):
        return False
    if value.startswith(("\t", "\r")):
        return True
    text = value.lstrip()
    if not text:
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and not _SIGNED_NUMBER.fullmatch(text)


def text_problem(value: object, *, multiline: bool = False, formula: bool = True) -> str | None:
    """The message for the first thing wrong with `value`, or None. For readers that report per cell."""
    if not isinstance(value, str):
        return None
    if invisible_characters(value, multiline=multiline):
        return str(INVISIBLE_MESSAGE)
    if formula and looks_like_formula(value):
        return str(FORMULA_MESSAGE)
    return None


@deconstructible(path="common.text.PlainTextValidator")
class PlainTextValidator:
    """A Django validator: no invisible characters; with `formula`, no leading formula character."""

    def __init__(self, *, multiline: bool = False, formula: bool = True):
        self.multiline = multiline
        self.formula = formula

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        if invisible_characters(value, multiline=self.multiline):
            raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")
        if self.formula and looks_like_formula(value):
            raise ValidationError(FORMULA_MESSAGE, code="formula")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PlainTextValidator)
            and self.multiline == other.multiline
            and self.formula == other.formula
        )

    def __hash__(self) -> int:
        return hash((self.multiline, self.formula))


# The two kinds of free text. Single-line text (names, titles, addresses, short notes): no invisible
# characters, no formula. Multi-line text (reasons, notes, comments): newlines and tabs allowed, and a
# line may start with "-" (a list); the portal adds the formula rule for text from enterprises.
single_line = PlainTextValidator()
multi_line = PlainTextValidator(multiline=True, formula=False)
multi_line_from_enterprise = PlainTextValidator(multiline=True, formula=True)


def normalize_code(value: object) -> str:
    """An identity number, phone number, credit code, certificate number or other code as typed: full-width
    digits, letters, punctuation and spaces (as Chinese input methods type them, １３９０４５１０３００)
    become their ASCII forms (Unicode NFKC), then surrounding spaces go. Only for codes: NFKC would change
    some rare characters in names, so free text never goes through it."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


class CodeField(forms.CharField):
    """A form field for a code (phone, identity or certificate number): normalised by `normalize_code`
    before its validators run, so a full-width number is accepted exactly like the ASCII one."""

    def to_python(self, value: object) -> str:
        return normalize_code(super().to_python(value))
