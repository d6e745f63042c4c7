"""The wait a rate-limited page states comes from the configured rate (common.ratelimits), in the same
syntax and with the same period as django-ratelimit counts it."""

import pytest
from django_ratelimit.core import _split_rate

from common.ratelimits import rate_wait_minutes


@pytest.mark.parametrize(
    ("rate", "minutes"),
    [("10/h", 60), ("5/m", 1), ("100/2h", 120), ("3/d", 1440), ("60/s", 1), ("7/90s", 2), (" 20 / H ", 60)],
)
def test_the_wait_is_the_rates_period_in_whole_minutes(rate, minutes):
    assert rate_wait_minutes(rate) == minutes


@pytest.mark.parametrize("rate", ["10/h", "5/m", "100/2h", "3/d", "7/90s", "30/h"])
def test_the_period_is_the_one_the_limit_counts(rate):
    """The same period as django-ratelimit's own parser, so the page never promises a shorter wait."""
    _count, seconds = _split_rate(rate)
    assert rate_wait_minutes(rate) * 60 >= seconds > (rate_wait_minutes(rate) - 1) * 60


@pytest.mark.parametrize("rate", ["", "10", "h", "10/x", "ten/h", "10/h; DROP TABLE", None])
def test_a_rate_not_in_the_syntax_is_refused_not_guessed(rate):
    with pytest.raises(ValueError, match="not a rate"):
        rate_wait_minutes(rate)
