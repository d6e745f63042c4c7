"""yearly_compliance: days registered, the year's employer, which hours count, in constant queries
(training/selectors.py, docs/decisions/0094)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Prefecture
from tests.factories.registry import EmployerFactory, PersonFactory, RegistrationCertificateFactory
from training.models import Activity, ActivityKind, Participation, ParticipationState, Subject
from training.selectors import yearly_compliance

pytestmark = pytest.mark.django_db
D = Decimal
S = ParticipationState


def _certificate(person, employer, start, until, *, ended_on=None, level=2):
    return RegistrationCertificateFactory(
        application__person=person,
        application__employer=employer,
        application__level=level,
        issued_on=start,
        valid_from=start,
        valid_until=until,
        ended_on=ended_on,
    )


def _activity(ends_on, hours="30", subject=Subject.PROFESSIONAL, starts_on=None):
    return Activity.objects.create(
        title="计量法规培训",
        kind=ActivityKind.COURSE,
        organiser="省计量协会",
        starts_on=starts_on or ends_on,
        ends_on=ends_on,
        place="哈尔滨",
        hours=D(hours),
        subject=subject,
    )


def _hours(person, activity, hours=None, state=S.CONFIRMED):
    return Participation.objects.create(
        activity=activity,
        person=person,
        hours=D(hours) if hours else activity.hours,
        state=state,
        rejection_reason="签到表与证明不符" if state == S.REJECTED else "",
    )


def _row(person, year):
    [row] = [r for r in yearly_compliance(years=[year]) if r.person_id == person.pk]
    return row


# --- days registered -------------------------------------------------------------------------------------


def test_a_whole_year_covered_requires_90_hours():
    person = PersonFactory()
    _certificate(person, EmployerFactory(), dt.date(2025, 3, 1), dt.date(2030, 2, 28))
    row = _row(person, 2026)
    assert (row.covered_days, row.required) == (365, D("90"))


def test_two_overlapping_certificates_count_their_common_days_once():
    person, employer = PersonFactory(), EmployerFactory()
    # 1 Jan – 30 Jun and 1 Apr – 30 Sep 2028 (two levels): 1 Jan – 30 Sep = 274 days, not 182 + 183.
    _certificate(person, employer, dt.date(2024, 1, 1), dt.date(2028, 6, 30), level=2)
    _certificate(person, employer, dt.date(2028, 4, 1), dt.date(2033, 3, 31), level=1)
    row = _row(person, 2028)
    assert row.covered_days == 366  # the second runs to 2033: the whole year
    other = PersonFactory()
    _certificate(other, employer, dt.date(2024, 1, 1), dt.date(2028, 6, 30), level=2)
    _certificate(other, employer, dt.date(2028, 4, 1), dt.date(2028, 9, 30), level=1)
    row = _row(other, 2028)
    assert row.covered_days == 274
    assert row.required == D("67")  # 90 × 274 / 366 = 67.38 → 67


def test_a_gap_between_certificates_is_not_covered():
    person, employer = PersonFactory(), EmployerFactory()
    # Registered to 31 March, again from 1 July: January–March (91 days) + July–December (184) of 2028.
    _certificate(person, employer, dt.date(2023, 4, 1), dt.date(2028, 3, 31))
    _certificate(person, employer, dt.date(2028, 7, 1), dt.date(2033, 6, 30))
    row = _row(person, 2028)
    assert row.covered_days == 91 + 184
    assert row.required == D("67.5")  # 90 × 275 / 366 = 67.62 → 67.5


def test_a_certificate_ended_early_covers_only_up_to_the_day_it_ended():
    person = PersonFactory()
    _certificate(
        person, EmployerFactory(), dt.date(2024, 7, 1), dt.date(2029, 6, 30), ended_on=dt.date(2028, 7, 1)
    )
    row = _row(person, 2028)
    assert row.covered_days == 183  # 1 January – 1 July 2028
    assert row.required == D("45")
    assert not [r for r in yearly_compliance(years=[2029]) if r.person_id == person.pk]


def test_a_year_with_no_registered_day_is_not_listed():
    person = PersonFactory()
    _certificate(person, EmployerFactory(), dt.date(2027, 1, 1), dt.date(2031, 12, 31))
    _hours(person, _activity(dt.date(2026, 5, 1)))
    assert [r.year for r in yearly_compliance(years=[2026, 2027]) if r.person_id == person.pk] == [2027]


def test_a_holder_first_registered_late_in_the_year_owes_the_share_of_the_days():
    person = PersonFactory()
    _certificate(person, EmployerFactory(), dt.date(2026, 11, 25), dt.date(2031, 11, 24))
    row = _row(person, 2026)
    assert (row.covered_days, row.required) == (37, D("9"))


# --- the employer of a year ------------------------------------------------------------------------------


def test_after_a_change_of_employer_the_year_belongs_to_the_employer_named_last():
    old = EmployerFactory(name="甲公司", prefecture=Prefecture.HARBIN)
    new = EmployerFactory(name="乙公司", prefecture=Prefecture.DAQING)
    person = PersonFactory()
    _certificate(person, old, dt.date(2025, 1, 1), dt.date(2029, 12, 31), ended_on=dt.date(2026, 6, 30))
    _certificate(person, new, dt.date(2026, 7, 1), dt.date(2029, 12, 31))
    _hours(person, _activity(dt.date(2026, 3, 1), hours="40"))  # earned while with the old employer

    [y2025, y2026] = yearly_compliance(years=[2025, 2026], person_ids=[person.pk])
    assert (y2025.employer_id, y2026.employer_id) == (old.pk, new.pk)
    assert y2026.covered_days == 365
    assert y2026.total == D("40")
    assert y2026.prefecture == Prefecture.DAQING
    assert [r.person_id for r in yearly_compliance(years=[2026], employer=new)] == [person.pk]
    assert yearly_compliance(years=[2026], employer=old) == []
    assert [r.person_id for r in yearly_compliance(years=[2025], employer=old)] == [person.pk]
    assert [r.person_id for r in yearly_compliance(years=[2026], prefecture=Prefecture.DAQING)] == [person.pk]
    assert yearly_compliance(years=[2026], prefecture=Prefecture.HARBIN) == []


def test_a_later_employers_certificate_ending_first_does_not_make_it_the_years_employer():
    """Named last = the certificate covering the latest day of the year, not the one issued last."""
    first, second = EmployerFactory(), EmployerFactory()
    person = PersonFactory()
    _certificate(person, first, dt.date(2024, 1, 1), dt.date(2028, 12, 31), level=2)
    _certificate(person, second, dt.date(2026, 3, 1), dt.date(2026, 10, 31), level=1)
    assert _row(person, 2026).employer_id == first.pk


# --- which hours count, and in which year ----------------------------------------------------------------


def test_hours_count_in_the_year_the_activity_ended():
    person = PersonFactory()
    _certificate(person, EmployerFactory(), dt.date(2025, 1, 1), dt.date(2029, 12, 31))
    _hours(person, _activity(dt.date(2027, 1, 2), hours="24", starts_on=dt.date(2026, 12, 30)))
    _hours(person, _activity(dt.date(2026, 12, 31), hours="8"))
    rows = {r.year: r for r in yearly_compliance(years=[2026, 2027]) if r.person_id == person.pk}
    assert rows[2026].total == D("8")
    assert rows[2027].total == D("24")


def test_only_confirmed_hours_count_and_awaiting_ones_are_shown_apart():
    person = PersonFactory()
    _certificate(person, EmployerFactory(), dt.date(2025, 1, 1), dt.date(2029, 12, 31))
    _hours(person, _activity(dt.date(2026, 3, 1), hours="60"))
    _hours(person, _activity(dt.date(2026, 4, 1), hours="20", subject=Subject.GENERAL))
    _hours(person, _activity(dt.date(2026, 5, 1), hours="10"), state=S.RECORDED)
    _hours(person, _activity(dt.date(2026, 6, 1), hours="40"), state=S.REJECTED)
    row = _row(person, 2026)
    assert (row.total, row.professional, row.general, row.pending) == (D("80"), D("60"), D("20"), D("10"))
    assert not row.complies
    assert (row.shortfall.hours, row.shortfall.professional) == (D("10"), D("0"))


def test_a_participations_own_hours_count_not_the_activitys():
    person = PersonFactory()
    _certificate(person, EmployerFactory(), dt.date(2025, 1, 1), dt.date(2029, 12, 31))
    _hours(person, _activity(dt.date(2026, 3, 1), hours="40"), hours="32.5")
    assert _row(person, 2026).total == D("32.5")


def test_a_compliant_year_and_a_short_share():
    employer = EmployerFactory()
    ok, short = PersonFactory(), PersonFactory()
    for person in (ok, short):
        _certificate(person, employer, dt.date(2025, 1, 1), dt.date(2029, 12, 31))
    professional, general = (
        _activity(dt.date(2026, 5, 1), "60"),
        _activity(dt.date(2026, 6, 1), "30", Subject.GENERAL),
    )
    _hours(ok, professional)
    _hours(ok, general)
    _hours(short, professional, hours="59.5")
    _hours(short, general, hours="30.5")
    assert _row(ok, 2026).complies
    row = _row(short, 2026)
    assert row.total == D("90")
    assert not row.complies
    assert (row.shortfall.hours, row.shortfall.professional) == (D("1.5"), D("1.5"))


# --- constant queries ------------------------------------------------------------------------------------


def _holders(employer, n):
    activity = _activity(dt.date(2026, 5, 1))
    for _ in range(n):
        person = PersonFactory()
        _certificate(person, employer, dt.date(2025, 1, 1), dt.date(2029, 12, 31))
        _hours(person, activity)
        _hours(person, _activity(dt.date(2027, 5, 1), "10"), state=S.RECORDED)


@pytest.mark.parametrize("by", ["all", "employer", "prefecture"])
def test_the_query_count_is_the_same_for_1_and_20_holders(by):
    small = EmployerFactory(prefecture=Prefecture.HARBIN)
    large = EmployerFactory(prefecture=Prefecture.DAQING)
    _holders(small, 1)

    def count(employer):
        filters = {
            "all": {},
            "employer": {"employer": employer},
            "prefecture": {"prefecture": employer.prefecture},
        }
        with CaptureQueriesContext(connection) as queries:
            rows = yearly_compliance(years=[2026, 2027], **filters[by])
        return len(queries), rows

    one, rows = count(small)
    assert len(rows) == 2
    _holders(large, 19)
    twenty, rows = count(large)
    assert len(rows) == (40 if by == "all" else 38)
    assert one == twenty == 2


def test_the_prefecture_list_keeps_a_holder_who_moved_into_it_and_drops_one_who_moved_out():
    harbin = EmployerFactory(prefecture=Prefecture.HARBIN)
    daqing = EmployerFactory(prefecture=Prefecture.DAQING)
    moved_in, moved_out, stayed = PersonFactory(), PersonFactory(), PersonFactory()
    _certificate(moved_in, daqing, dt.date(2025, 1, 1), dt.date(2029, 12, 31), ended_on=dt.date(2026, 3, 31))
    _certificate(moved_in, harbin, dt.date(2026, 4, 1), dt.date(2029, 12, 31))
    _certificate(moved_out, harbin, dt.date(2025, 1, 1), dt.date(2029, 12, 31), ended_on=dt.date(2026, 3, 31))
    _certificate(moved_out, daqing, dt.date(2026, 4, 1), dt.date(2029, 12, 31))
    _certificate(stayed, harbin, dt.date(2025, 1, 1), dt.date(2029, 12, 31))
    listed = {r.person_id for r in yearly_compliance(years=[2026], prefecture=Prefecture.HARBIN)}
    assert listed == {moved_in.pk, stayed.pk}
    [row] = [
        r for r in yearly_compliance(years=[2026], prefecture=Prefecture.HARBIN) if r.person_id == moved_in.pk
    ]
    assert row.covered_days == 365  # the Daqing months count too: the year is registered in full
