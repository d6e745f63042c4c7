"""The ledger's write paths and the compliance selector, end to end at the service level."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.accounts import UserFactory
from tests.factories.registry import EmployerFactory, RegistrationCertificateFactory
from training import services
from training.models import ActivityKind, Participation, ParticipationCorrection, Subject
from training.selectors import yearly_compliance

pytestmark = pytest.mark.django_db
D = Decimal


def _activity(employer, *, hours="30", subject=Subject.PROFESSIONAL, ends_on=dt.date(2026, 6, 30)):
    return services.activity_record(
        data=services.ActivityData(
            title="计量标准建标培训",
            kind=ActivityKind.COURSE,
            organiser="省计量协会",
            starts_on=ends_on - dt.timedelta(days=2),
            ends_on=ends_on,
            hours=D(hours),
            subject=subject,
            place="哈尔滨",
        ),
        by=UserFactory(),
        employer=employer,
    )


def _holder(employer, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2029, 12, 31)):
    return RegistrationCertificateFactory(
        application__employer=employer, issued_on=valid_from, valid_from=valid_from, valid_until=valid_until
    )


def test_confirmed_hours_count_and_pending_hours_are_shown_apart():
    employer = EmployerFactory()
    holder = _holder(employer)
    clerk, staff = UserFactory(), UserFactory()
    first = _activity(employer, hours="60")
    second = _activity(employer, hours="30", subject=Subject.GENERAL)
    [p1] = services.participations_record(
        activity=first, entries=[services.Entry(holder.person, D("60"))], by=clerk, employer=employer
    )
    services.participations_record(
        activity=second, entries=[services.Entry(holder.person, D("30"))], by=clerk, employer=employer
    )
    services.participation_confirm(participation=p1, by=staff)
    [row] = yearly_compliance(years=[2026], employer=employer)
    assert (row.total, row.professional, row.pending, row.required) == (D("60"), D("60"), D("30"), D("90"))
    assert not row.complies
    assert (row.shortfall.hours, row.shortfall.professional) == (D("30"), D("0"))


def test_a_stranger_is_refused_and_nothing_is_saved():
    employer, other = EmployerFactory(), EmployerFactory()
    mine, theirs = _holder(employer), _holder(other)
    activity = _activity(employer)
    with pytest.raises(ValidationError):
        services.participations_record(
            activity=activity,
            entries=[services.Entry(mine.person, D("30")), services.Entry(theirs.person, D("30"))],
            by=UserFactory(),
            employer=employer,
        )
    assert not Participation.objects.exists()


def test_a_decided_entry_changes_only_through_a_correction():
    employer = EmployerFactory()
    holder = _holder(employer)
    [entry] = services.participations_record(
        activity=_activity(employer),
        entries=[services.Entry(holder.person, D("30"))],
        by=UserFactory(),
        employer=employer,
    )
    staff = UserFactory()
    services.participation_reject(participation=entry, by=staff, reason="签到表无此人")
    with pytest.raises(ValidationError):
        services.participation_confirm(participation=entry, by=staff)
    services.participation_correct(
        participation=entry, by=staff, reason="补交签到表", state="confirmed", hours=D("29.5")
    )
    entry.refresh_from_db()
    assert (entry.state, entry.hours, entry.rejection_reason) == ("confirmed", D("29.5"), "")
    assert ParticipationCorrection.objects.get().old_state == "rejected"


def test_part_year_holders_owe_a_share_and_the_query_count_is_constant():
    employer = EmployerFactory()
    _holder(employer, valid_from=dt.date(2028, 7, 2), valid_until=dt.date(2033, 7, 1))
    with CaptureQueriesContext(connection) as one:
        [row] = yearly_compliance(years=[2028])
    assert (row.covered_days, row.required) == (183, D("45"))
    for _ in range(5):
        _holder(EmployerFactory())
    with CaptureQueriesContext(connection) as six:
        assert len(yearly_compliance(years=[2028, 2029])) == 12
    assert len(one) == len(six) == 2
