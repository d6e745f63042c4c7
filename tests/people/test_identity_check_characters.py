"""The check characters of the two identity numbers, derived here from their standards (issue 13, item 4).

- Resident ID number, GB 11643-1999 (ISO 7064 MOD 11-2): the digit at position i (0-based, 0..16) weighs
  2^(17-i) mod 11; the check character is "10X98765432"[sum mod 11].
- Unified social credit code, GB 32100-2015: the character at position i (1-based, 1..17) has the value
  of its place in 0-9ABCDEFGHJKLMNPQRTUWXY and weighs 3^(i-1) mod 31; the check character is the one
  whose value is 31 - (sum mod 31), 0 when that is 31.

Nothing here reads the module's formulas to compute an expectation: the samples are built with the
standards' own arithmetic below, so a weight, a modulus or an alphabet changed in the module fails here.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from people import validators
from people.validators import (
    USCC_ALPHABET,
    mask_resident_id,
    normalize_name,
    redact_resident_ids,
    resident_id_birth_date,
    resident_id_check_character,
    resident_id_mask_key,
    uscc_check_character,
    validate_resident_id,
    validate_uscc,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# --- the standards' arithmetic ---------------------------------------------------------------------------
GB11643_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
GB11643_CHECK = "10X98765432"
GB32100_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
GB32100_WEIGHTS = tuple(3 ** (i - 1) % 31 for i in range(1, 18))


def gb11643_check(first17: str) -> str:
    return GB11643_CHECK[sum(int(c) * w for c, w in zip(first17, GB11643_WEIGHTS, strict=True)) % 11]


def gb32100_check(first17: str) -> str:
    total = sum(GB32100_ALPHABET.index(c) * w for c, w in zip(first17, GB32100_WEIGHTS, strict=True))
    value = 31 - total % 31
    return GB32100_ALPHABET[0 if value == 31 else value]


def resident_id(first17: str) -> str:
    return first17 + gb11643_check(first17)


def born_on(day: dt.date, sequence: str = "001") -> str:
    """A resident ID number of someone born on `day` (Harbin, Daoli district)."""
    return resident_id(f"230102{day:%Y%m%d}{sequence}")


def uscc(first17: str) -> str:
    return first17 + gb32100_check(first17)


def uscc_ending_in(check: str, first16: str = "91230100MA1B2C3D") -> str:
    """A credit code with the check character `check`: the 17th character chosen to reach it."""
    for c in GB32100_ALPHABET:
        if gb32100_check(first16 + c) == check:
            return first16 + c + check
    raise AssertionError(f"no 17th character gives {check}")  # pragma: no cover (weight 28 is invertible)


def refusal_code(validate, value: str) -> str | None:
    try:
        validate(value)
    except ValidationError as error:
        return error.code
    return None


# --- resident ID number ----------------------------------------------------------------------------------
def test_resident_id_weights_are_2_to_the_17_minus_i_mod_11():
    assert GB11643_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643's table
    assert validators._RESIDENT_ID_WEIGHTS == GB11643_WEIGHTS


@pytest.mark.parametrize("position", range(17))
def test_resident_id_check_character_weighs_each_position_by_the_standard(position):
    """Each digit alone at its position, every other one 0: the check character shows that position's
    weight (the published samples have 0 at positions 3 and 5, so they could not)."""
    for digit in "123456789":
        first17 = "0" * position + digit + "0" * (16 - position)
        assert resident_id_check_character(first17) == gb11643_check(first17), first17


def test_resident_id_check_character_of_numbers_without_a_zero_digit():
    for first17 in ("12345678912345678", "98765432198765432", "23012319870615987", "99999999999999999"):
        assert resident_id_check_character(first17) == gb11643_check(first17)


def test_every_resident_id_check_character_occurs_and_is_accepted():
    """Sum mod 11 takes all 11 values: each check character, X among them, is reached and accepted."""
    seen = {}
    for sequence in range(200):
        number = born_on(dt.date(1985, 6, 15), f"{sequence:03d}")
        seen.setdefault(number[17], number)
    assert set(seen) == set(GB11643_CHECK)
    for number in seen.values():
        validate_resident_id(number)


def test_changing_any_one_character_of_a_resident_id_makes_it_invalid():
    good = born_on(dt.date(1987, 6, 15), "358")
    validate_resident_id(good)
    for position in range(18):
        for character in "0123456789X":
            if character == good[position]:
                continue
            changed = good[:position] + character + good[position + 1 :]
            assert refusal_code(validate_resident_id, changed) is not None, changed


def test_changing_the_check_character_of_a_resident_id_is_refused_for_the_check():
    good = born_on(dt.date(1987, 6, 15), "358")
    for character in "0123456789X":
        if character != good[17]:
            assert refusal_code(validate_resident_id, good[:17] + character) == "resident_id_check"


def test_a_resident_id_is_read_without_surrounding_spaces_and_in_upper_case():
    first17 = "11010519491231002"
    assert gb11643_check(first17) == "X"
    assert refusal_code(validate_resident_id, f"  {first17}x \n") is None
    assert validators.normalize_resident_id(f" {first17}x ") == f"{first17}X"
    assert validators.normalize_resident_id(None) == ""


class TestBirthDateBounds:
    """Born in 1900 or later, and not after today in China (Asia/Shanghai)."""

    def test_born_on_1_january_1900_is_accepted(self):
        assert refusal_code(validate_resident_id, born_on(dt.date(1900, 1, 1))) is None

    def test_born_on_31_december_1899_is_refused(self):
        assert refusal_code(validate_resident_id, born_on(dt.date(1899, 12, 31))) == "resident_id_birth_date"

    @time_machine.travel(dt.datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI), tick=False)
    def test_born_today_in_shanghai_is_accepted(self):
        """At half past midnight in Harbin it is still 1 March in UTC: the day is China's."""
        assert refusal_code(validate_resident_id, born_on(dt.date(2026, 3, 2))) is None

    @time_machine.travel(dt.datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI), tick=False)
    def test_born_tomorrow_in_shanghai_is_refused(self):
        assert refusal_code(validate_resident_id, born_on(dt.date(2026, 3, 3))) == "resident_id_birth_date"

    def test_the_birth_date_is_read_from_positions_7_to_14(self):
        assert resident_id_birth_date("230102198706150013") == dt.date(1987, 6, 15)
        assert resident_id_birth_date("230102198702300013") is None
        assert resident_id_birth_date("230102198706000013") is None  # day 00
        assert resident_id_birth_date("230102198700150013") is None  # month 00
        day_00 = resident_id("23010219870600001")
        assert refusal_code(validate_resident_id, day_00) == "resident_id_birth_date"


# --- unified social credit code --------------------------------------------------------------------------
def test_credit_code_alphabet_is_digits_and_capitals_without_i_o_z_s_v():
    assert USCC_ALPHABET == GB32100_ALPHABET
    assert len(USCC_ALPHABET) == 31


def test_credit_code_weights_are_3_to_the_i_minus_1_mod_31():
    assert GB32100_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # GB 32100
    assert validators._USCC_WEIGHTS == GB32100_WEIGHTS


@pytest.mark.parametrize("position", range(17))
def test_credit_code_check_character_weighs_each_position_by_the_standard(position):
    """Each character alone at its position, every other one 0: the check character shows that position's
    weight and the character's value (the samples have 0 at positions 5, 7, 8 and 12)."""
    for character in GB32100_ALPHABET[1:]:
        first17 = "0" * position + character + "0" * (16 - position)
        assert uscc_check_character(first17) == gb32100_check(first17), first17


@pytest.mark.parametrize("check", ["0", "Y", "1", "X"])
def test_credit_code_check_character_is_31_minus_the_sum_mod_31(check):
    """A sum divisible by 31 gives 0 (not 31, which has no character) and a sum of 1 mod 31 gives Y (30):
    the two ends of the % 31."""
    code = uscc_ending_in(check)
    assert uscc_check_character(code[:17]) == check
    assert refusal_code(validate_uscc, code) is None


def test_every_credit_code_check_character_is_reached():
    assert {uscc_ending_in(c)[17] for c in GB32100_ALPHABET} == set(GB32100_ALPHABET)
    for check in GB32100_ALPHABET:
        assert refusal_code(validate_uscc, uscc_ending_in(check)) is None


def test_changing_any_one_character_of_a_credit_code_makes_it_invalid():
    good = uscc("91230100MA1B2C3D4")
    assert refusal_code(validate_uscc, good) is None
    for position in range(18):
        for character in GB32100_ALPHABET:
            if character == good[position]:
                continue
            changed = good[:position] + character + good[position + 1 :]
            assert refusal_code(validate_uscc, changed) == "uscc_check", changed


@pytest.mark.parametrize("letter", "IOZSV")
def test_a_credit_code_with_a_letter_outside_the_alphabet_is_refused_for_its_format(letter):
    good = uscc("91230100MA1B2C3D4")
    assert refusal_code(validate_uscc, good[:10] + letter + good[11:]) == "uscc_format"


def test_a_credit_code_is_read_without_surrounding_spaces_and_in_upper_case():
    good = uscc("91230100MA1B2C3D4")
    assert refusal_code(validate_uscc, f" {good.lower()}\t") is None
    assert validators.normalize_uscc(f" {good.lower()} ") == good
    assert validators.normalize_uscc(None) == ""


@pytest.mark.parametrize("length", [17, 19])
def test_a_credit_code_has_exactly_18_characters(length):
    good = uscc("91230100MA1B2C3D4")
    assert refusal_code(validate_uscc, (good + "0")[:length]) == "uscc_format"


# --- masking ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (None, ""),  # a number not on record (an imported row without one) masks to nothing, no error
        ("", ""),
        ("1", "*"),
        ("1234567", "*******"),
        ("12345678", "********"),  # 8 or fewer: nothing shown, or first and last 4 would be all of it
        ("123456789", "1234*6789"),
        ("230102198706150013", "2301**********0013"),
    ],
)
def test_a_masked_value_shows_first_and_last_four_only_when_longer_than_eight(value, masked):
    assert mask_resident_id(value) == masked


@pytest.mark.parametrize(
    ("value", "key"),
    [("", ""), ("12345678", ""), ("123456789", "12346789"), (" 23010219870615001x ", "2301001X")],
)
def test_the_masked_index_keeps_what_the_mask_shows(value, key):
    assert resident_id_mask_key(value) == key


def test_resident_ids_in_text_are_masked_and_other_numbers_are_not():
    number = "230102198706150013"
    assert redact_resident_ids(f"身份证{number}，电话") == "身份证2301**********0013，电话"
    assert redact_resident_ids("x: 23010219870615001x.") == "x: 2301**********001X."
    untouched = [
        f"A{number}",  # part of a longer code
        f"{number}9",  # 19 digits
        f"9{number}",
        number[:17],  # 17 digits
        f"{number}b",
        f"{number}B",
    ]
    for text in untouched:
        assert redact_resident_ids(text) == text, text


# --- names -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽‧买买提", "阿依古丽·买买提"),
        ("阿依古丽∙买买提", "阿依古丽·买买提"),
        ("阿依古丽⋅买买提", "阿依古丽·买买提"),
        ("王 小\u3000明", "王小明"),  # an ordinary and an ideographic space
        ("王\t小明\n", "王小明"),  # pasted from a spreadsheet
        ("ＷＡＮＧ Ｘｉａｏ", "WANGXiao"),  # full-width letters
    ],
)
def test_names_compare_equal_across_dots_spaces_and_widths(typed, recorded):
    assert normalize_name(typed) == normalize_name(recorded) == recorded


def test_different_names_stay_different():
    assert normalize_name("王小明") != normalize_name("王晓明")
    assert normalize_name(None) == ""
