"""The 90-hour rule at its boundaries (training/rules.py, docs/decisions/0094)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from training import rules

D = Decimal


# --- the total: 90 hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "expected"),
    [("89.5", False), ("90", True), ("90.5", True), ("0", False), ("180", True)],
)
def test_a_full_year_needs_90_hours(total, expected):
    # All professional, so only the total decides.
    assert rules.complies(D(total), D(total), rules.YEARLY_HOURS) is expected


def test_the_full_year_requirement_is_90_hours():
    assert rules.required_hours(2026, 365) == D("90")
    assert rules.required_hours(2028, 366) == D("90")


# --- the professional share: two thirds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "professional", "expected"),
    [
        ("90", "60", True),  # exactly two thirds is enough
        ("90", "59.5", False),
        ("91.5", "61", True),  # 61 / 91.5 = 2/3 exactly
        ("91.5", "60.5", False),
        ("90.5", "60.5", True),  # 60.333… needed
        ("90.5", "60", False),
        ("120", "80", True),
        ("120", "79.5", False),
        ("1.5", "1", True),
        ("1.5", "0.5", False),
        ("0", "0", True),  # no hours: the share is not what fails
    ],
)
def test_professional_hours_are_at_least_two_thirds_of_the_total(total, professional, expected):
    assert rules.professional_share_met(D(total), D(professional)) is expected


def test_enough_hours_but_too_few_professional_does_not_comply():
    assert not rules.complies(D("100"), D("66.5"), D("90"))  # 66.67 needed
    assert rules.complies(D("100"), D("67"), D("90"))


# --- pro rata in a partial year --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "required"),
    [
        (183, "45"),  # 90 × 183 / 366 = 45 exactly
        (182, "44.5"),  # 44.75 → down to the half hour
        (184, "45"),  # 45.25 → down
        (185, "45"),  # 45.49… → down
        (186, "45.5"),  # 45.74… → down
        (1, "0"),  # 0.25 → 0: never more than the days registered
        (3, "0.5"),  # 0.74 → 0.5
        (365, "89.5"),  # one day short of the leap year: 89.75 → 89.5
        (366, "90"),
    ],
)
def test_a_partial_leap_year_requires_its_share_rounded_down_to_the_half_hour(days, required):
    assert rules.required_hours(2028, days) == D(required)


@pytest.mark.parametrize(
    ("days", "required"),
    [
        (37, "9"),  # 25 November to 31 December 2026: 9.12 → 9
        (73, "18"),  # 90 × 73 / 365 = 18 exactly
        (182, "44.5"),  # 44.88 → 44.5
        (183, "45"),  # 45.12 → 45: the same days ask slightly more in a common year
        (364, "89.5"),  # 89.75
        (365, "90"),
    ],
)
def test_a_partial_common_year_requires_its_share_rounded_down(days, required):
    assert rules.required_hours(2026, days) == D(required)


def test_a_year_of_45_hours_complies_with_45_and_two_thirds_professional():
    required = rules.required_hours(2028, 183)
    assert required == D("45")
    assert rules.complies(D("45"), D("30"), required)
    assert not rules.complies(D("44.5"), D("44.5"), required)
    assert not rules.complies(D("45"), D("29.5"), required)


def test_no_day_registered_requires_nothing_and_more_days_than_the_year_require_90():
    assert rules.required_hours(2026, 0) == D("0")
    assert rules.required_hours(2026, -5) == D("0")
    assert rules.required_hours(2026, 400) == D("90")


def test_leap_years_have_366_days():
    assert rules.days_in_year(2028) == 366
    assert rules.days_in_year(2026) == 365
    assert rules.days_in_year(2100) == 365  # divisible by 100, not by 400
    assert rules.days_in_year(2000) == 366


def test_every_requirement_is_in_half_hour_steps_and_never_above_the_exact_share():
    for year in (2026, 2028):
        total = rules.days_in_year(year)
        for days in range(total + 1):
            required = rules.required_hours(year, days)
            exact = rules.YEARLY_HOURS * days / total
            assert required % rules.HOUR_STEP == 0
            assert required <= exact < required + rules.HOUR_STEP


# --- the shortfall ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "professional", "required", "hours", "of_them_professional"),
    [
        ("90", "60", "90", "0", "0"),  # complies
        ("89.5", "89.5", "90", "0.5", "0"),
        ("0", "0", "90", "90", "60"),
        ("80", "60", "90", "10", "0"),  # 60 of 90 is enough
        ("80", "50", "90", "10", "10"),
        ("90", "59.5", "90", "1.5", "1.5"),  # 61 of 91.5
        ("90", "0", "90", "180", "180"),  # 180 of 270
        ("30", "0", "45", "60", "60"),  # the share of 90 then needs 60
        ("45", "29.5", "45", "1.5", "1.5"),
        ("100", "66.5", "90", "0.5", "0.5"),  # 2·100 − 3·66.5 = 0.5
        ("44", "44", "44.5", "0.5", "0"),
        ("10", "5", "9", "5", "5"),  # 2·10 − 3·5 = 5, more than the 0 hours missing
    ],
)
def test_the_shortfall_is_the_fewest_hours_that_make_the_year_comply(
    total, professional, required, hours, of_them_professional
):
    short = rules.shortfall(D(total), D(professional), D(required))
    assert (short.hours, short.professional) == (D(hours), D(of_them_professional))
    assert bool(short) is (D(hours) > 0)


def test_the_professional_part_of_a_shortfall_is_rounded_up_to_the_half_hour():
    # Hours missing and the share's deficit (2·total − 3·professional) are half-hour steps already; two
    # thirds of the new total need not be: 9.5 h of which 6.33 → 6.5 professional.
    short = rules.shortfall(D("0"), D("0"), D("9.5"))
    assert (short.hours, short.professional) == (D("9.5"), D("6.5"))
    assert rules.complies(D("9.5"), D("6.5"), D("9.5"))
    assert not rules.complies(D("9.5"), D("6"), D("9.5"))
    # 10 professional of 20 required: 10 more, of which 13.33 − 10 → 3.5 professional.
    short = rules.shortfall(D("10"), D("10"), D("20"))
    assert (short.hours, short.professional) == (D("10"), D("3.5"))


def test_taking_exactly_the_shortfall_makes_every_year_comply_and_half_an_hour_less_does_not():
    """Over a grid of totals and shares: the shortfall is sufficient and minimal."""
    half = rules.HOUR_STEP
    for required in (D("0"), D("9"), D("45"), D("90")):
        for total_steps in range(0, 200, 7):
            total = total_steps * half
            for professional in {D("0"), (total / 2 // half) * half, total, (total * 2 / 3 // half) * half}:
                short = rules.shortfall(total, professional, required)
                after_total = total + short.hours
                after_professional = professional + short.professional
                assert short.professional <= short.hours
                assert rules.complies(after_total, after_professional, required), (total, professional)
                if short.hours:
                    fewer = short.hours - half
                    # Half an hour fewer does not comply even if all of it is professional.
                    assert not rules.complies(total + fewer, professional + fewer, required)
                if short.professional:
                    # And half an hour fewer of them professional misses the share.
                    assert not rules.complies(after_total, after_professional - half, required)


# --- hours as recorded -----------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["0.5", "1", "3.5", "90", "999.5"])
def test_hours_in_half_hour_steps_up_to_the_maximum_are_accepted(hours):
    assert rules.hours_error(D(hours)) is None


@pytest.mark.parametrize(
    "hours",
    ["0", "-0", "-3", "0.25", "3.25", "3.1", "1000", "999.75", "NaN", "Infinity", "-Infinity", "sNaN"],
)
def test_hours_not_positive_half_hour_steps_within_the_maximum_are_refused(hours):
    assert rules.hours_error(D(hours))
    with pytest.raises(ValidationError):
        rules.validate_hours(D(hours))


@pytest.mark.parametrize(
    ("value", "hours"),
    [
        (" 3.5 ", "3.5"),
        ("3", "3"),
        (3, "3"),
        (2.5, "2.5"),  # a float from a spreadsheet cell
        (D("4.0"), "4"),
        ("３．５", "3.5"),  # full-width, as a Chinese input method types it
        ("\u30003\u3000", "3"),  # ideographic spaces around
        ("+2", "2"),
        (".5", "0.5"),
    ],
)
def test_hours_are_read_from_text_numbers_and_full_width_digits(value, hours):
    assert rules.parse_hours(value) == D(hours)


@pytest.mark.parametrize(
    ("value", "code"), [(None, "hours_required"), ("", "hours_required"), ("  ", "hours_required")]
)
def test_missing_hours_ask_for_hours(value, code):
    with pytest.raises(ValidationError) as error:
        rules.parse_hours(value)
    assert error.value.code == code


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_cell_is_not_hours(value):
    with pytest.raises(ValidationError) as error:
        rules.parse_hours(value)
    assert error.value.code == "hours_required"


@pytest.mark.parametrize(
    "value",
    ["abc", "三", "3,5", "1e1", "1_0", "NaN", "Infinity", "nan", float("nan"), float("inf"), "3.5h", "=1+1"],
)
def test_text_that_is_not_a_plain_number_is_refused(value):
    with pytest.raises(ValidationError) as error:
        rules.parse_hours(value)
    assert error.value.code == "hours_invalid"


@pytest.mark.parametrize("value", ["0", "-1", "0.25", "1000", 0.1 + 0.2, "-0.5"])
def test_numbers_that_are_not_recordable_hours_are_refused(value):
    with pytest.raises(ValidationError) as error:
        rules.parse_hours(value)
    assert error.value.code == "hours"
