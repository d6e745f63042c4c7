import pytest
from django.core.exceptions import ValidationError

from people.validators import (
    mask_resident_id,
    resident_id_check_character,
    uscc_check_character,
    validate_resident_id,
    validate_uscc,
)

# Published sample numbers whose check characters are known.
GOOD_RESIDENT_IDS = ["11010519491231002X", "110101199003074477", "110101199003075373"]
GOOD_USCC = ["91350100M000100Y43", "91110000600037341L", "91230100127029614D"]


def _codes(excinfo) -> str:
    return excinfo.value.code


@pytest.mark.parametrize("number", GOOD_RESIDENT_IDS)
def test_published_resident_ids_are_valid(number):
    assert resident_id_check_character(number[:17]) == number[17]
    validate_resident_id(number)


def test_lower_case_x_is_accepted_as_upper_case():
    first17 = "11010519491231002"
    assert resident_id_check_character(first17) == "X"
    validate_resident_id(first17 + "x")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "resident_id_format"),  # 17 characters
        ("1101051949123100211", "resident_id_format"),  # 19 characters
        ("11010519491231002Y", "resident_id_format"),  # bad last character
        # Full-width digits are read as digits (NFKC, issue 18): then the check character is wrong.
        ("１１0105194912310021", "resident_id_check"),
        ("110105194902301234", "resident_id_birth_date"),  # 30 February
        ("110105289901011234", "resident_id_birth_date"),  # born in 2899
        ("110105194912310021", "resident_id_check"),  # check character should be X
        ("440524188001010014", "resident_id_birth_date"),  # GB 11643's own example, born 1880: no worker
        ("", "resident_id_format"),
    ],
)
def test_bad_resident_ids_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(number)
    assert _codes(excinfo) == code


def test_every_single_digit_change_is_caught():
    good = "11010519491231002X"
    for i in range(17):
        for d in "0123456789":
            if d == good[i]:
                continue
            changed = good[:i] + d + good[i + 1 :]
            try:
                validate_resident_id(changed)
            except ValidationError:
                continue
            pytest.fail(f"a change at position {i} was not caught: {changed}")


def test_resident_id_messages_are_chinese(settings):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_resident_id("110105194912310021")
    assert "校验" in str(excinfo.value.messages[0])


@pytest.mark.parametrize("code", GOOD_USCC)
def test_published_credit_codes_are_valid(code):
    assert uscc_check_character(code[:17]) == code[17]
    validate_uscc(code)
    validate_uscc(code.lower())


def test_a_credit_code_may_start_with_a_letter():
    first17 = "N2230100MJ1234567"
    validate_uscc(first17 + uscc_check_character(first17))


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "uscc_format"),  # 17 characters
        ("91350100M000100Y4I", "uscc_format"),  # I is not in the alphabet
        ("91350100M000100Y4O", "uscc_format"),  # O neither
        ("91350100M000100Y42", "uscc_check"),
        ("91110000600037341K", "uscc_check"),
    ],
)
def test_bad_credit_codes_are_refused_with_a_reason(code, reason):
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(code)
    assert _codes(excinfo) == reason


def test_mask_keeps_four_characters_at_each_end():
    assert mask_resident_id("23010219800101123X") == "2301**********123X"
    assert mask_resident_id("") == ""
