"""The employer's yearly compliance list: required (pro rata), confirmed, professional, awaiting, complies
or the shortfall; short holders first or only; masked ID numbers; only the employer's own holders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EmployerFactory, UserFactory
from training import services
from training.models import Subject

from .portal import activity, clerk_of, holder, record

pytestmark = pytest.mark.django_db
D = Decimal


def confirmed(course, employer, people_hours):
    for entry in record(course, employer, people_hours):
        services.participation_confirm(participation=entry, by=UserFactory())


def test_the_list_shows_each_holders_hours_and_the_shortfall_short_ones_first(client, today):
    clerk = clerk_of()
    employer = clerk.employer
    done = holder(employer, name="艾达")
    short = holder(employer, name="周短")
    half_year = holder(employer, name="钱半", valid_from=dt.date(2026, 7, 2))  # 183 of 365 days
    holder(EmployerFactory(), name="外单位")
    professional = activity(employer, hours="60")
    general = activity(employer, hours="30", subject=Subject.GENERAL)
    autumn = activity(employer, hours="45", ends_on=dt.date(2026, 9, 30))
    autumn_general = activity(employer, hours="8", ends_on=dt.date(2026, 9, 30), subject=Subject.GENERAL)
    confirmed(professional, employer, [(done.person, "60"), (short.person, "60")])
    confirmed(general, employer, [(done.person, "30"), (short.person, "10")])
    confirmed(autumn, employer, [(half_year.person, "45")])
    record(autumn_general, employer, [(half_year.person, "8")])  # awaiting confirmation
    client.force_login(clerk)

    response = client.get(reverse("training:compliance"))

    lines = response.context["lines"]
    assert response.context["year"] == 2026
    assert [line.row.person_name for line in lines] == ["周短", "艾达", "钱半"]
    by_name = {line.row.person_name: line for line in lines}
    assert "外单位" not in by_name
    assert by_name["周短"].row.shortfall.hours == D("20")
    assert by_name["钱半"].row.required == D("45")
    assert by_name["钱半"].row.complies
    assert by_name["钱半"].row.pending == D("8")
    page = response.content.decode()
    assert f'data-testid="shortfall-{short.person.pk}"' in page
    assert short.person.masked_id_number in page
    assert short.person.id_number not in page


def test_short_only_keeps_the_short_holders(client, today):
    clerk = clerk_of()
    done, short = holder(clerk.employer), holder(clerk.employer)
    confirmed(activity(clerk.employer, hours="90"), clerk.employer, [(done.person, "90")])
    client.force_login(clerk)

    response = client.get(reverse("training:compliance"), {"year": 2026, "short": "on"})

    assert [line.row.person_id for line in response.context["lines"]] == [short.person.pk]


def test_another_year_is_chosen_by_the_filter(client, today):
    clerk = clerk_of()
    person = holder(clerk.employer, valid_from=dt.date(2024, 1, 1)).person
    confirmed(
        activity(clerk.employer, hours="90", ends_on=dt.date(2025, 3, 1)), clerk.employer, [(person, "90")]
    )
    client.force_login(clerk)

    last_year = client.get(reverse("training:compliance"), {"year": 2025}).context["lines"]
    this_year = client.get(reverse("training:compliance")).context["lines"]

    assert last_year[0].row.complies
    assert not this_year[0].row.complies


def test_a_year_outside_the_list_falls_back_to_this_year(client, today):
    client.force_login(clerk_of())
    assert client.get(reverse("training:compliance"), {"year": "1900"}).context["year"] == 2026


def _queries(client, size):
    clerk = clerk_of()
    staff = [holder(clerk.employer) for _ in range(size)]
    course = activity(clerk.employer)
    record(course, clerk.employer, [(h.person, "10") for h in staff])
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("training:compliance"))
    assert len(response.context["lines"]) == size
    return len(captured)


def test_the_list_runs_as_many_queries_for_20_holders_as_for_3(client, today):
    assert _queries(client, 3) == _queries(client, 20)
