"""The continuing-education rule, in one place (pilot plan, 继续教育; docs/decisions/0094).

A registered metrologist takes at least 90 hours of continuing education a calendar year, of which
professional subjects are generally at least two thirds. Hours are recorded in half-hour steps and count
in the year their activity ended. In a year the registration covered only in part, the requirement is
that share of 90 hours by days, rounded down to the half hour (a holder is never asked for more than the
days registered): 183 days of 2028 (366) require 45 hours. Every reader (the compliance lists, renewal,
the reminders, the yearly report) asks these functions; none repeats a number.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

YEARLY_HOURS = Decimal("90")
# Professional hours must be at least PROFESSIONAL_NUMERATOR / PROFESSIONAL_DENOMINATOR of the total.
PROFESSIONAL_NUMERATOR = 2
PROFESSIONAL_DENOMINATOR = 3
HOUR_STEP = Decimal("0.5")
MAX_ACTIVITY_HOURS = Decimal("999.5")
# A number as typed: ASCII digits (after NFKC) with an optional sign and decimal point; no exponent,
# underscore, NaN or Infinity, which Decimal() would otherwise accept.
_HOURS_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


def days_in_year(year: int) -> int:
    return (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1


def _to_step(hours: Decimal, rounding: str) -> Decimal:
    """`hours` rounded to a multiple of HOUR_STEP, down (ROUND_FLOOR) or up (ROUND_CEILING)."""
    return (hours / HOUR_STEP).to_integral_value(rounding=rounding) * HOUR_STEP


def required_hours(year: int, covered_days: int) -> Decimal:
    """The hours required of a holder registered on `covered_days` days of `year`.

    The whole year requires YEARLY_HOURS; part of it that share by days, rounded down to the half hour.
    """
    total = days_in_year(year)
    if covered_days >= total:
        return YEARLY_HOURS
    if covered_days <= 0:
        return Decimal("0")
    return _to_step(YEARLY_HOURS * covered_days / total, ROUND_FLOOR)


def professional_share_met(total: Decimal, professional: Decimal) -> bool:
    """Professional hours are at least two thirds of the total (exactly two thirds is enough)."""
    return professional * PROFESSIONAL_DENOMINATOR >= total * PROFESSIONAL_NUMERATOR


def complies(total: Decimal, professional: Decimal, required: Decimal) -> bool:
    """The year complies: at least `required` hours in all, and the professional share met."""
    return total >= required and professional_share_met(total, professional)


@dataclass(frozen=True)
class Shortfall:
    """What a holder still needs for a year: `hours` more in all, of which at least `professional`
    professional (both in half-hour steps, rounded up). Zero and zero when the year complies."""

    hours: Decimal
    professional: Decimal

    def __bool__(self) -> bool:
        return bool(self.hours)


def shortfall(total: Decimal, professional: Decimal, required: Decimal) -> Shortfall:
    """The fewest further hours that make the year comply, and how many of them must be professional.

    x more hours, p of them professional, comply when total + x >= required and
    3 (professional + p) >= 2 (total + x); the fewest x is max(required - total, 2 total - 3 professional)
    (all of them professional in the second case), and p is what the share then still needs.
    """
    more = max(
        required - total,
        total * PROFESSIONAL_NUMERATOR - professional * PROFESSIONAL_DENOMINATOR,
        Decimal("0"),
    )
    more = _to_step(more, ROUND_CEILING)
    if not more:
        return Shortfall(Decimal("0"), Decimal("0"))
    needed = (total + more) * PROFESSIONAL_NUMERATOR / PROFESSIONAL_DENOMINATOR - professional
    return Shortfall(more, _to_step(max(needed, Decimal("0")), ROUND_CEILING))


def hours_error(hours: Decimal) -> str | None:
    """Why `hours` cannot be recorded, in the user's language, or None when it can."""
    if not hours.is_finite() or hours <= 0:
        return _("Hours must be more than 0.")
    if hours > MAX_ACTIVITY_HOURS:
        return _("Hours can be at most %(max)s.") % {"max": MAX_ACTIVITY_HOURS}
    if hours % HOUR_STEP:
        return _("Hours are recorded in half-hour steps (for example 3 or 3.5); %(value)s is not one.") % {
            "value": hours
        }
    return None


def validate_hours(value: Decimal) -> None:
    """Field validator: more than 0, at most MAX_ACTIVITY_HOURS, in half-hour steps."""
    error = hours_error(Decimal(value))
    if error:
        raise ValidationError(error, code="hours")


def parse_hours(value: object) -> Decimal:
    """`value` (text, int, float from a spreadsheet, Decimal) as hours; ValidationError if it is not.

    Text is NFKC-normalised first, so full-width digits typed with a Chinese input method (“３．５”) read
    as 3.5."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(_("Enter the hours."), code="hours_required")
    if isinstance(value, float):
        value = repr(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise ValidationError(_("Enter the hours."), code="hours_required")
    try:
        if not _HOURS_TEXT.fullmatch(text):
            raise InvalidOperation
        hours = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number of hours.") % {"value": text}, code="hours_invalid"
        ) from None
    validate_hours(hours)
    return hours
