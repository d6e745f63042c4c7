"""The public page of spot checks (一公开): no sign-in, drawn and completed plans only (a draft is 404),
the seed and population size so anyone can repeat the draw, employers by name, never a person: no holder,
no ID or mobile number, no inspector."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exams.models import AssessmentResult
from supervision.models import Plan, PlanKind
from tests.factories import AssessmentResultFactory, AssessmentSessionFactory, MetrologyProjectFactory

from .pages import completed_plan, drawn_plan, holders, inspectors

pytestmark = pytest.mark.django_db


def _no_person(page: str, certificates, pool) -> None:
    for certificate in certificates:
        person = certificate.person
        assert person.name not in page
        assert person.id_number not in page
        assert person.id_number[-4:] + "<" not in page  # not even a masked number
        assert person.phone not in page
    for user in pool:
        assert user.username not in page
        assert user.first_name not in page


def test_a_drawn_plan_is_public_with_its_seed_and_employers_and_no_person(client, bureau_user):
    certificates = holders(3)
    pool = inspectors(3)
    plan = drawn_plan(bureau_user, pool)
    listing = client.get(reverse("supervision:public_list"))
    assert listing.status_code == 200
    assert plan.title in listing.content.decode()

    response = client.get(reverse("supervision:public_detail", args=[plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert plan.seed in page
    assert response.context["population_size"] == 3
    drawn = [c.employer.name for c in plan.checks.select_related("employer")]
    assert len(drawn) == 2
    assert all(name in page for name in drawn)
    assert 'data-testid="summary"' not in page  # no results before completion
    _no_person(page, certificates, pool)


def test_a_completed_plan_publishes_results_and_summary_without_personal_data(client, bureau_user):
    certificates = holders(2)
    pool = inspectors(3)
    plan = completed_plan(bureau_user, pool)
    response = client.get(reverse("supervision:public_detail", args=[plan.pk]))
    page = response.content.decode()
    assert plan.results_summary in page
    assert (response.context["no_problem"], response.context["problems"]) == (1, 1)
    assert re.search(r'data-testid="problems">1<', page)
    _no_person(page, certificates, pool)
    # The finding's note and the measure's description stay with staff; only the kind of measure shows.
    assert "注册计量师不在本单位工作" not in page
    assert "限期整改" not in page


def test_an_assessment_plan_shows_counts_not_the_people_assessed(client, bureau_user):
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(held_on=dt.date(2026, 5, 10), projects=[project])
    results = [AssessmentResultFactory(session=session, project=project) for _ in range(3)]
    pool = inspectors(2)
    plan = drawn_plan(bureau_user, pool, kind=PlanKind.ASSESSMENTS, title="考核抽查")
    page = client.get(reverse("supervision:public_detail", args=[plan.pk])).content.decode()
    assert plan.seed in page
    for result in AssessmentResult.objects.filter(pk__in=[r.pk for r in results]).select_related("person"):
        assert result.person.name not in page
        assert result.person.id_number not in page
    assert 'data-testid="public-checks"' not in page


def test_a_draft_is_not_public(client, bureau_user):
    draft = Plan.objects.create(
        title="尚未抽取的计划",
        kind="employers",
        period_start="2026-01-01",
        period_end="2026-06-30",
        sample_size=1,
        created_by=bureau_user,
    )
    assert client.get(reverse("supervision:public_detail", args=[draft.pk])).status_code == 404
    assert "尚未抽取的计划" not in client.get(reverse("supervision:public_list")).content.decode()


def test_public_list_queries_do_not_grow_with_the_plans(client, bureau_user):
    holders(3)
    pool = inspectors(3)

    def queries(count: int) -> int:
        for n in range(count - Plan.objects.count()):
            drawn_plan(bureau_user, pool, size=1, title=f"抽查{n}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("supervision:public_list"))
        assert len(re.findall(r'data-testid="public-plan-\d+"', response.content.decode())) == count
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_public_detail_queries_do_not_grow_with_the_checks(client, bureau_user):
    holders(20)
    pool = inspectors(3)

    def queries(size: int) -> int:
        plan = drawn_plan(bureau_user, pool, size=size, title=f"抽查{size}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("supervision:public_detail", args=[plan.pk])).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)
