"""The two windows of the rules, pinned at both ends through every path (issue 13):

- a renewal is applied for in the 30 working days before the certificate expires, the last valid day
  included (national rule, registry.eligibility.RENEWAL_WINDOW_WORKING_DAYS);
- every application but a cancellation is made within the pilot window, its first and last day included
  (settings REGISTRY_PILOT_START and REGISTRY_PILOT_END).

For each: the first and last day inside and the first day outside. Each case runs through the form, the
spreadsheet check and import, the application's own check and its submission (the PATHS of
test_eligibility_paths), which must all give the same problem codes.
"""

import datetime as dt

import pytest
from django.test import override_settings

from registry.eligibility import renewal_window_open
from tests.factories import RegistrationCertificateFactory
from tests.registry.test_eligibility_paths import (
    CASES,
    DAY,
    PATHS,
    Case,
    K,
    _rolled_back,
    certificate_of,
    prepare,
)
from tests.registry.test_eligibility_paths import world as world  # the fixture
from workdays.working_days import add_working_days, working_days_between

pytestmark = pytest.mark.django_db

ONE_DAY = dt.timedelta(days=1)


def _expiring(working_days: int):
    """A certificate of the world's person whose last valid day is `working_days` working days after DAY."""
    return lambda w: certificate_of(w, valid_until=add_working_days(DAY, working_days))


RENEWAL_CASES = {
    "a renewal applied for exactly 30 working days before the expiry (the window's first day)": Case(
        K.RENEWAL, set(), target=_expiring(30)
    ),
    "a renewal applied for 31 working days before the expiry (the last day before the window)": Case(
        K.RENEWAL, {"renewal_outside_window"}, target=_expiring(31)
    ),
    "a renewal applied for on the certificate's last valid day (the window's last day)": Case(
        K.RENEWAL, set(), target=lambda w: certificate_of(w, valid_until=DAY)
    ),
    "a renewal applied for the day after the last valid day": Case(
        K.RENEWAL, {"certificate_not_valid"}, target=lambda w: certificate_of(w, valid_until=DAY - ONE_DAY)
    ),
}


def _codes_through_every_path(world, case: Case) -> dict[str, set[str]]:
    prepared = prepare(world, case)
    return {path: _rolled_back(lambda run=run: run(world, prepared)) for path, run in PATHS.items()}


@pytest.mark.parametrize("name", RENEWAL_CASES)
def test_the_renewal_window_is_the_30_working_days_up_to_the_last_valid_day(world, name):
    case = RENEWAL_CASES[name]
    assert _codes_through_every_path(world, case) == dict.fromkeys(PATHS, case.expected), name


def test_the_window_cases_count_the_working_days_they_claim(world):
    """The cases above stand on the calendar: 30 and 31 working days, not calendar days."""
    assert working_days_between(DAY, add_working_days(DAY, 30)) == 30
    assert working_days_between(DAY, add_working_days(DAY, 31)) == 31


def test_renewal_window_open_on_the_last_valid_day_but_not_the_day_after(db):
    certificate = RegistrationCertificateFactory(valid_until=DAY)
    assert renewal_window_open(certificate, DAY)
    assert not renewal_window_open(certificate, DAY + ONE_DAY)


# --- the pilot window ------------------------------------------------------------------------------------
PILOT_WINDOWS = {
    "the application on the pilot's first day": (DAY, DAY + dt.timedelta(days=400), set()),
    "the application on the day before the pilot starts": (
        DAY + ONE_DAY,
        DAY + dt.timedelta(days=400),
        {"pilot_window_closed"},
    ),
    "the application on the pilot's last day": (DAY - dt.timedelta(days=400), DAY, set()),
    "the application on the day after the pilot ends": (
        DAY - dt.timedelta(days=400),
        DAY - ONE_DAY,
        {"pilot_window_closed"},
    ),
}


@pytest.mark.parametrize("name", PILOT_WINDOWS)
@pytest.mark.parametrize("kind", ["an initial registration", "a renewal"])
def test_applications_are_taken_from_the_pilots_first_to_its_last_day(world, name, kind):
    start, end, expected = PILOT_WINDOWS[name]
    case = {
        "an initial registration": CASES["a project without a valid assessment"],
        "a renewal": RENEWAL_CASES[
            "a renewal applied for exactly 30 working days before the expiry (the window's first day)"
        ],
    }[kind]
    with override_settings(REGISTRY_PILOT_START=start, REGISTRY_PILOT_END=end):
        found = _codes_through_every_path(world, case)
    assert found == dict.fromkeys(PATHS, case.expected | expected), (kind, name)


@pytest.mark.parametrize("name", PILOT_WINDOWS)
def test_a_cancellation_is_taken_outside_the_pilot_window(world, name):
    """A cancellation ends a registration whatever day it is: the pilot window does not apply to it."""
    start, end, _expected = PILOT_WINDOWS[name]
    case = Case(K.CANCELLATION, set(), target=lambda w: certificate_of(w))
    with override_settings(REGISTRY_PILOT_START=start, REGISTRY_PILOT_END=end):
        found = _codes_through_every_path(world, case)
    assert found == {path: set() for path in PATHS}, name
