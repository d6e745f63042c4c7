"""The 5/10/5 deadlines of the pilot plan, counted in working days, and whether a due date is provisional."""

import datetime as dt

import pytest

from registry import deadlines
from workdays.working_days import is_provisional

D = dt.date

pytestmark = pytest.mark.django_db


def test_acceptance_is_due_five_working_days_after_receipt_over_national_day_2025():
    # Received Tue 9/30; 10/1-10/8 off; 10/9, 10/10, Sat 10/11 (swapped), 10/13, 10/14.
    assert deadlines.acceptance_due(D(2025, 9, 30)) == D(2025, 10, 14)


def test_approval_is_due_ten_working_days_after_complete_materials_over_spring_festival_2025():
    # Complete on Fri 1/24: Sun 1/26 (swapped), Mon 1/27, then 2/5, 2/6, 2/7, Sat 2/8 (swapped), 2/10-2/13.
    assert deadlines.approval_due(D(2025, 1, 24)) == D(2025, 2, 13)


def test_issuance_is_due_five_working_days_after_approval_across_new_year_2026():
    # Approved Wed 2025-12-31: 1/1-1/3 off, Sun 1/4 (swapped), 1/5-1/8.
    assert deadlines.issuance_due(D(2025, 12, 31)) == D(2026, 1, 8)


def test_a_due_date_in_a_published_year_is_not_provisional():
    due = deadlines.acceptance_due(D(2025, 9, 30))
    assert not is_provisional(D(2025, 9, 30), due)


def test_a_due_date_counted_into_an_unpublished_year_is_provisional():
    received = D(2026, 12, 28)
    due = deadlines.approval_due(received)
    # 12/29-12/31, Fri 2027-01-01 is 元旦 (fixed date), then 1/4-1/8 and 1/11-1/12.
    assert due == D(2027, 1, 12)
    assert is_provisional(received, due)
