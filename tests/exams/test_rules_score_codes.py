"""Each refused score is refused by its own check, told apart by the error code (issue 13, item 6).

Matching a text fragment could not tell the checks apart: "请填写" is in both "请填写分数" and
"……不是数字，请填写……", so deleting the check for a missing score left the tests green.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from exams.rules import parse_score, validate_score


def refusal(value: object) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        parse_score(value)
    return excinfo.value


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", True, False], ids=repr)
def test_a_missing_score_is_refused_as_required(value):
    """None, blank text and booleans (a spreadsheet's TRUE/FALSE cell) are not a score: "Enter a score"."""
    error = refusal(value)
    assert error.code == "score_required"
    assert error.messages == ["Enter a score."]


@pytest.mark.parametrize("value", ["abc", "七十", "70分", "1e", "--1"], ids=repr)
def test_text_that_is_no_number_is_refused_as_invalid(value):
    error = refusal(value)
    assert error.code == "score_invalid"
    assert value.strip() in error.messages[0]


@pytest.mark.parametrize("value", ["-0.1", "100.1", "101", "70.55", "NaN", "Infinity", "-Infinity"], ids=repr)
def test_a_number_that_is_no_score_is_refused_by_the_score_rule(value):
    assert refusal(value).code == "score"


@pytest.mark.parametrize("value", [0, 1, 100, Decimal("0"), 0.0, "0", " 70 "], ids=repr)
def test_zero_and_other_numbers_are_not_taken_for_a_missing_score(value):
    """0 is falsy but a score; 1 and 0 are ints, not the booleans True and False."""
    assert parse_score(value) == Decimal(str(value).strip())


def test_the_field_validator_uses_the_score_code():
    with pytest.raises(ValidationError) as excinfo:
        validate_score(Decimal("100.5"))
    assert excinfo.value.code == "score"
    validate_score(Decimal("100.0"))
