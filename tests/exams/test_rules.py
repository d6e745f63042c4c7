from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from exams.models import AssessmentResult
from exams.rules import parse_score, passed, score_error
from tests.factories import AssessmentResultFactory


@pytest.mark.parametrize(
    ("skill", "knowledge", "expected"),
    [
        ("70", "60", True),
        ("70.0", "60.0", True),
        ("69.9", "60", False),
        ("70", "59.9", False),
        ("69.9", "59.9", False),
        ("100", "100", True),
        ("0", "0", False),
        ("95", "59.9", False),
        ("69.9", "100", False),
    ],
)
def test_pass_needs_skill_70_and_knowledge_60(skill, knowledge, expected):
    assert passed(Decimal(skill), Decimal(knowledge)) is expected


@pytest.mark.parametrize("value", ["0", "100", "100.0", "69.9", "70.50", 70, 69.9, Decimal("59.9")])
def test_scores_in_range_with_one_decimal_are_accepted(value):
    score = parse_score(value)
    assert score_error(score) is None
    assert Decimal(str(value)) == score


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("-0.1", "0 到 100"),
        ("100.1", "0 到 100"),
        ("101", "0 到 100"),
        ("70.55", "一位小数"),
        ("abc", "不是数字"),
        ("", "请填写"),
        (None, "请填写"),
        ("NaN", "0 到 100"),
    ],
)
def test_bad_scores_are_refused_with_a_chinese_message(value, fragment):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        parse_score(value)
    assert fragment in " ".join(excinfo.value.messages)


@pytest.mark.django_db
def test_model_validation_refuses_out_of_range_score_with_one_message():
    result = AssessmentResultFactory.build(skill_score=Decimal("100.5"), knowledge_score=Decimal("60.25"))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        result.full_clean(exclude=["session", "person", "project"])
    errors = excinfo.value.message_dict
    assert len(errors["skill_score"]) == 1
    assert "0 到 100" in errors["skill_score"][0]
    assert len(errors["knowledge_score"]) == 1
    assert "一位小数" in errors["knowledge_score"][0]
    assert AssessmentResult.objects.count() == 0
