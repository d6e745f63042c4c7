"""open_deadlines_recompute: a calendar change moves exactly the deadlines whose window holds the day.

Here a changed day is simulated by storing a deadline as if it had been computed under another
calendar: the recomputation must put right exactly the rows whose window holds the day, and leave every
other row alone. A real calendar change is in test_deadlines_across_holidays.py.
"""

import datetime as dt

import pytest

from registry import deadlines
from registry.models import Application
from registry.services.deadlines import open_deadlines_recompute
from tests.factories import ApplicationFactory
from tests.registry.conftest import MONDAY

pytestmark = pytest.mark.django_db


def _stale(application: Application, field: str, days_late: int) -> None:
    value = getattr(application, field) + dt.timedelta(days=days_late)
    Application.objects.filter(pk=application.pk).update(**{field: value, "current_due_on": value})


def test_recomputes_only_open_rows_whose_window_holds_a_changed_day(monday, django_assert_max_num_queries):
    submitted = ApplicationFactory(submitted=True)  # window (MONDAY, MONDAY+5wd]
    accepted = ApplicationFactory(accepted=True)  # window (MONDAY, MONDAY+10wd]
    approved = ApplicationFactory(approved=True)
    untouched = ApplicationFactory(submitted=True, received_on=MONDAY - dt.timedelta(days=60))
    untouched.acceptance_due_on = untouched.current_due_on = deadlines.acceptance_due(untouched.received_on)
    untouched.save()
    for application, field in ((submitted, "acceptance_due_on"), (accepted, "approval_due_on")):
        _stale(application, field, 1)
    _stale(approved, "issuance_due_on", 1)
    _stale(untouched, "acceptance_due_on", 1)  # stale too, but its window is far from the change

    changed_day = MONDAY + dt.timedelta(days=3)
    # Per state: find, lock and read, write; and, in the same transaction, the moved deadlines' history rows
    # (the audit chain's lock — an advisory lock on PostgreSQL —, its last hash, one INSERT): a constant per
    # chunk, never per row: 8 per state on PostgreSQL, 7 on SQLite.
    with django_assert_max_num_queries(24):
        assert open_deadlines_recompute(changed_days=[changed_day]) == 3

    for application, field, due in (
        (submitted, "acceptance_due_on", deadlines.acceptance_due(MONDAY)),
        (accepted, "approval_due_on", deadlines.approval_due(MONDAY)),
        (approved, "issuance_due_on", deadlines.issuance_due(MONDAY)),
    ):
        application.refresh_from_db()
        assert getattr(application, field) == due
        assert application.current_due_on == due
    untouched.refresh_from_db()
    assert untouched.acceptance_due_on != deadlines.acceptance_due(untouched.received_on)


def test_closed_and_paused_applications_are_left_alone(monday):
    paused = ApplicationFactory(corrections_requested=True)
    issued = ApplicationFactory(issued=True)
    assert open_deadlines_recompute(changed_days=[MONDAY + dt.timedelta(days=1)]) == 0
    paused.refresh_from_db()
    issued.refresh_from_db()
    assert paused.current_due_on is None
    assert issued.current_due_on is None


def test_many_rows_are_written_in_chunks_not_one_query_each(monday, django_assert_max_num_queries):
    rows = ApplicationFactory.create_batch(60, submitted=True)
    Application.objects.filter(pk__in=[a.pk for a in rows]).update(
        acceptance_due_on=MONDAY + dt.timedelta(days=30), current_due_on=MONDAY + dt.timedelta(days=30)
    )
    with django_assert_max_num_queries(15):
        assert open_deadlines_recompute(changed_days=[MONDAY + dt.timedelta(days=1)]) == 60


def test_nothing_changed_nothing_written():
    assert open_deadlines_recompute(changed_days=[]) == 0
