"""The bureau sees continuing-education aggregates by year and prefecture, and nobody's name or number;
other roles do not reach the page."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Prefecture
from registry.models import RegistrationCertificate
from tests.factories import EmployerFactory, RegistrationCertificateFactory
from training.aggregates import compliance_aggregates
from training.models import Activity, ActivityKind, Participation, ParticipationState, Subject

pytestmark = pytest.mark.django_db
URL = "/reports/continuing-education/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def holder(employer, name):
    return RegistrationCertificateFactory(
        application__employer=employer,
        application__person__name=name,
        issued_on=dt.date(2025, 1, 1),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2029, 12, 31),
    )


def hours(person, amount, year=2026):
    ends = dt.date(year, 5, 1)
    activity = Activity.objects.create(
        title="计量培训",
        kind=ActivityKind.COURSE,
        organiser="省计量协会",
        starts_on=ends,
        ends_on=ends,
        place="哈尔滨",
        hours=Decimal(amount),
        subject=Subject.PROFESSIONAL,
    )
    Participation.objects.create(
        activity=activity, person=person, hours=Decimal(amount), state=ParticipationState.CONFIRMED
    )


@pytest.fixture
def ledger():
    harbin = EmployerFactory(prefecture=Prefecture.values[0])
    other = EmployerFactory(prefecture=Prefecture.values[1])
    a, b, c = holder(harbin, "张保密"), holder(harbin, "李保密"), holder(other, "王保密")
    hours(a.person, "90")
    hours(b.person, "40.5")
    hours(c.person, "95")
    hours(c.person, "90", year=2025)
    return a, b, c


def test_counts_by_year_and_prefecture(ledger, django_assert_num_queries):
    with django_assert_num_queries(2):
        aggregates = compliance_aggregates(years=[2025, 2026])
    this_year = aggregates[-1]
    assert this_year.year == 2026
    first, second = this_year.by_prefecture[:2]
    assert (first.holders, first.compliant, first.short, first.confirmed_hours) == (2, 1, 1, Decimal("130.5"))
    assert (second.holders, second.compliant, second.short, second.confirmed_hours) == (
        1,
        1,
        0,
        Decimal("95"),
    )
    assert all(cell.holders == 0 for cell in this_year.by_prefecture[2:])
    assert (this_year.total.holders, this_year.total.short) == (3, 1)
    assert (aggregates[0].total.holders, aggregates[0].total.compliant) == (3, 1)


def test_the_bureau_sees_numbers_and_no_personal_data(ledger, bureau_user, client):
    client.force_login(bureau_user)
    home = client.get(reverse("reports:home")).content.decode()
    assert URL in home  # linked from the reports page
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "130.5" in html
    assert ">95<" in html
    for certificate in ledger:
        assert certificate.person.name not in html
        assert certificate.person.masked_id_number not in html
        assert certificate.person.id_number not in html
        assert certificate.number not in html
        assert certificate.employer.name not in html
    earlier = client.get(URL, {"year": "2025"}).content.decode()
    assert "<strong>2025</strong>" in earlier


@pytest.mark.parametrize("year", ["1999", "abc", "２０２６", "2026 OR 1=1", ""])
def test_an_odd_year_shows_this_year(ledger, bureau_user, client, year):
    client.force_login(bureau_user)
    page = client.get(URL, {"year": year})
    assert page.status_code == 200
    assert "<strong>2026</strong>" in page.content.decode()


def test_other_roles_do_not_reach_it(enterprise_user, association_user, client):
    assert client.get(URL).status_code == 302  # signed out: to the sign-in page
    client.force_login(enterprise_user)
    assert client.get(URL).status_code == 403
    client.force_login(association_user)
    assert client.get(URL).status_code == 403


def test_the_page_reads_the_same_number_of_queries_for_3_or_20_holders(bureau_user, client):
    client.force_login(bureau_user)
    employer = EmployerFactory(prefecture=Prefecture.values[0])

    def queries(n: int) -> int:
        while RegistrationCertificate.objects.count() < n:
            hours(holder(employer, "某").person, "45")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    assert queries(3) == queries(20)
