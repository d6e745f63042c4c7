"""The assessment's pass rule and score format, in one place (pilot plan, 计量专业项目考核).

Both parts of an assessment are marked out of 100: operational skill (操作技能) passes at 70, knowledge
(知识) at 60, and a project is passed only when both are. Every write path (the service, the admin,
the spreadsheet import) decides "passed" by calling `passed()` and checks scores with `score_error()`.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SKILL_PASS_MARK = Decimal("70")
KNOWLEDGE_PASS_MARK = Decimal("60")
SCORE_MIN = Decimal("0")
SCORE_MAX = Decimal("100")


def passed(skill: Decimal, knowledge: Decimal) -> bool:
    """A project is passed when skill >= 70 and knowledge >= 60 (both inclusive)."""
    return skill >= SKILL_PASS_MARK and knowledge >= KNOWLEDGE_PASS_MARK


def parse_score(value: object) -> Decimal:
    """`value` (text, int, float from a spreadsheet, Decimal) as a score; ValidationError if it is not one.

    A float goes through its shortest text form, so a spreadsheet's 69.9 stays 69.9 and is not turned
    into 69.900000000000005684… and then refused for its decimals.
    """
    if isinstance(value, bool) or value is None:
        raise ValidationError(_("Enter a score."), code="score_required")
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip()
    if not text:
        raise ValidationError(_("Enter a score."), code="score_required")
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number; enter a score from 0 to 100.") % {"value": text},
            code="score_invalid",
        ) from None
    validate_score(score)
    return score


def score_error(score: Decimal) -> str | None:
    """Why `score` is not an acceptable score, in the user's language, or None when it is."""
    if not score.is_finite():
        return _("A score must be a number from 0 to 100.")
    if score < SCORE_MIN or score > SCORE_MAX:
        return _("A score must be from 0 to 100; %(value)s is out of range.") % {"value": score}
    exponent = score.as_tuple().exponent  # an int for every finite Decimal
    if isinstance(exponent, int) and exponent < -1 and score != score.quantize(Decimal("0.1")):
        return _("A score has at most one decimal place; %(value)s has more.") % {"value": score}
    return None


def validate_score(value: Decimal) -> None:
    """Field validator: the range and the single decimal place, with the same message as the import."""
    error = score_error(Decimal(value))
    if error:
        raise ValidationError(error, code="score")
