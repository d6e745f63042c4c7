"""The bureau's plan pages: a plan created and changed while a draft, refused with the service's message
and nothing saved, drawn through the confirmation page, completed with a summary that holds no personal
data; inspectors' own conflict declarations. Inspectors cannot open the plan pages."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from supervision.models import Check, InspectorConflict, Plan, PlanState
from supervision.services import conflict_declare
from tests.factories import (
    AssessmentResultFactory,
    AssessmentSessionFactory,
    EmployerFactory,
    MetrologyProjectFactory,
    UserFactory,
    valid_uscc,
)

from .pages import complete_checks, drawn_plan, holders, inspectors, shown

pytestmark = pytest.mark.django_db

BOTH = "Give either the number of entities to check or a percentage of them, not both."
PERSONAL_DATA = "The summary is published: remove the resident ID number or mobile number from it."


@pytest.fixture
def bureau(client, bureau_user):
    client.force_login(bureau_user)
    return client


def _form(pool, **changes):
    data = {
        "title": "2026年企业用证抽查",
        "kind": "employers",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "prefecture": "",
        "sample_size": "2",
        "sample_percent": "",
        "inspectors_per_check": "2",
        "inspectors": [u.pk for u in pool],
        "description": "依据《计量法》开展。",
    }
    data.update(changes)
    return data


def test_the_bureau_creates_a_draft_plan(bureau):
    pool = inspectors(3)
    response = bureau.post(reverse("supervision:plan_new"), _form(pool))
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("supervision:plan_detail", args=[plan.pk])
    assert plan.state == PlanState.DRAFT
    assert set(plan.inspectors.all()) == set(pool)
    page = bureau.get(response.url).content.decode()
    assert "2026年企业用证抽查" in page
    assert 'data-testid="plan-draw"' in page


def test_only_active_inspectors_are_offered_for_the_pool(bureau):
    pool = inspectors(2)
    UserFactory(username="gone", role="inspector", is_active=False, first_name="离职")
    page = bureau.get(reverse("supervision:plan_new")).content.decode()
    assert all(f'value="{u.pk}"' in page for u in pool)
    assert "离职" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sample_size": "2", "sample_percent": "10"}, BOTH),
        ({"sample_size": "", "sample_percent": ""}, BOTH),
        (
            {"prefecture": "daqing", "kind": "assessments"},
            "Only a check of employers is limited to a prefecture.",
        ),
        ({"period_end": "2025-12-31"}, "The period ends before it starts."),
    ],
)
def test_a_bad_plan_shows_the_message_and_saves_nothing(bureau, changes, message):
    response = bureau.post(reverse("supervision:plan_new"), _form(inspectors(3), **changes))
    assert response.status_code == 200
    assert shown(response, message)
    assert not Plan.objects.exists()


def test_a_pool_of_one_is_refused(bureau):
    response = bureau.post(reverse("supervision:plan_new"), _form(inspectors(1)))
    assert response.status_code == 200
    assert "请为名录库至少选择2名检查人员" in response.content.decode()
    assert not Plan.objects.exists()


def test_fewer_than_two_inspectors_per_check_is_refused(bureau):
    response = bureau.post(reverse("supervision:plan_new"), _form(inspectors(3), inspectors_per_check="1"))
    assert response.status_code == 200
    assert not Plan.objects.exists()


def test_a_draft_is_changed_and_a_drawn_plan_is_not(bureau, bureau_user):
    pool = inspectors(3)
    holders(2)
    plan = drawn_plan(bureau_user, pool)
    draft = Plan.objects.create(
        title="草案",
        kind="employers",
        period_start="2026-01-01",
        period_end="2026-06-30",
        sample_size=1,
        created_by=bureau_user,
    )
    draft.inspectors.set(pool[:2])
    page = bureau.get(reverse("supervision:plan_edit", args=[draft.pk])).content.decode()
    assert 'value="草案"' in page
    response = bureau.post(
        reverse("supervision:plan_edit", args=[draft.pk]), _form(pool, title="改后的标题", sample_size="1")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "改后的标题"
    assert draft.inspectors.count() == 3

    response = bureau.post(reverse("supervision:plan_edit", args=[plan.pk]), _form(pool, title="改不了"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title != "改不了"


def test_the_draw_asks_for_confirmation_then_draws_and_shows_the_checks(bureau, bureau_user):
    pool = inspectors(3)
    certificates = holders(3)
    bureau.post(reverse("supervision:plan_new"), _form(pool))
    plan = Plan.objects.get()
    url = reverse("supervision:plan_draw", args=[plan.pk])
    confirm = bureau.get(url)
    assert confirm.status_code == 200
    assert 'data-testid="draw-confirm"' in confirm.content.decode()
    assert not Check.objects.exists()  # the GET only asks

    response = bureau.post(url)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAWN
    assert plan.seed
    page = bureau.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    assert plan.seed in page
    assert f"supervision_draw_again {plan.pk}" in page
    drawn = [c.employer.name for c in plan.checks.select_related("employer")]
    assert len(drawn) == 2
    assert all(name in page for name in drawn)
    for certificate in certificates:  # the holders are never named
        assert certificate.person.name not in page
        assert certificate.person.id_number not in page

    again = bureau.post(url)  # a second draw is refused, nothing changes
    assert again.status_code == 302
    assert plan.checks.count() == 2


def test_a_failed_draw_shows_why_and_saves_nothing(bureau, bureau_user):
    pool = inspectors(2)
    [certificate] = holders(1)
    bureau.post(reverse("supervision:plan_new"), _form(pool, sample_size="1"))
    plan = Plan.objects.get()
    conflict_declare(inspector=pool[0], employer=certificate.employer, note="曾在该单位工作", by=pool[0])
    response = bureau.post(reverse("supervision:plan_draw", args=[plan.pk]), follow=True)
    assert response.status_code == 200
    assert b'class="message error"' in response.content
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert not plan.seed
    assert not Check.objects.exists()


def test_completing_refuses_a_summary_with_an_id_number_and_publishes_a_clean_one(bureau, bureau_user):
    pool = inspectors(3)
    holders(2)
    plan = drawn_plan(bureau_user, pool)
    url = reverse("supervision:plan_complete", args=[plan.pk])
    assert (
        'data-testid="plan-complete"'
        not in bureau.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    )
    complete_checks(plan, bureau_user)
    assert (
        'data-testid="plan-complete"'
        in bureau.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    )

    for leak in ("持证人身份证号230102199001011234存在问题", "联系人电话13912345678"):
        response = bureau.post(url, {"summary": leak})
        assert response.status_code == 200
        assert shown(response, PERSONAL_DATA)
        plan.refresh_from_db()
        assert plan.state == PlanState.DRAWN
        assert not plan.results_summary

    response = bureau.post(url, {"summary": "抽查2家企业，1家发现问题，已责令整改。"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.COMPLETED
    assert "1家发现问题" in bureau.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()


def test_the_bureau_dashboard_counts_plans_checks_and_measures(bureau, bureau_user):
    pool = inspectors(3)
    holders(2)
    plan = drawn_plan(bureau_user, pool)
    complete_checks(plan, bureau_user)
    Plan.objects.create(
        title="草案",
        kind="employers",
        period_start="2026-01-01",
        period_end="2026-06-30",
        sample_size=1,
        created_by=bureau_user,
    )
    response = bureau.get(reverse("supervision:home"))
    counts = response.context["counts"]
    assert counts.plans == {"draft": 1, "drawn": 1, "completed": 0}
    assert (counts.checks_open, counts.checks_completed, counts.measures_open) == (0, 2, 1)


def test_an_inspector_sees_links_not_the_dashboard_and_cannot_open_plan_pages(client, bureau_user):
    pool = inspectors(3)
    holders(2)
    plan = drawn_plan(bureau_user, pool)
    client.force_login(pool[0])
    page = client.get(reverse("supervision:home")).content.decode()
    assert 'href="/supervision/checks/"' in page
    assert 'data-testid="dashboard"' not in page
    for name, args in [
        ("supervision:plan_list", []),
        ("supervision:plan_new", []),
        ("supervision:plan_detail", [plan.pk]),
        ("supervision:plan_edit", [plan.pk]),
        ("supervision:plan_draw", [plan.pk]),
        ("supervision:plan_complete", [plan.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_plan_list_queries_do_not_grow_with_the_plans(bureau, bureau_user):
    pool = inspectors(3)
    holders(3)

    def queries(count: int) -> int:
        for n in range(count - Plan.objects.count()):
            drawn_plan(bureau_user, pool, size=1, title=f"抽查{n}")
        with CaptureQueriesContext(connection) as captured:
            response = bureau.get(reverse("supervision:plan_list"))
        assert response.status_code == 200
        assert len(re.findall(r'data-testid="plan-\d+"', response.content.decode())) == count
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_plan_detail_queries_do_not_grow_with_the_checks(bureau, bureau_user):
    pool = inspectors(3)
    holders(20)

    def queries(size: int) -> int:
        plan = drawn_plan(bureau_user, pool, size=size, title=f"抽查{size}")
        with CaptureQueriesContext(connection) as captured:
            assert bureau.get(reverse("supervision:plan_detail", args=[plan.pk])).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


# --- conflicts of interest ---------------------------------------------------------------------------


def test_an_inspector_declares_and_withdraws_a_conflict_by_credit_code(client):
    [inspector, _other] = inspectors(2)
    employer = EmployerFactory(name="哈尔滨衡器厂", uscc=valid_uscc(77))
    client.force_login(inspector)
    url = reverse("supervision:conflict_list")
    response = client.post(url, {"uscc": employer.uscc.lower(), "note": "曾在该单位工作"})
    assert response.status_code == 302
    conflict = InspectorConflict.objects.get()
    assert (conflict.inspector, conflict.employer) == (inspector, employer)
    assert "哈尔滨衡器厂" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="supervision_conflict").exists()

    again = client.post(url, {"uscc": employer.uscc, "note": "再次声明"})
    assert again.status_code == 200
    assert InspectorConflict.objects.count() == 1

    client.post(reverse("supervision:conflict_withdraw", args=[conflict.pk]))
    assert not InspectorConflict.objects.exists()


def test_an_unknown_credit_code_is_refused(client):
    [inspector] = inspectors(1)
    client.force_login(inspector)
    response = client.post(reverse("supervision:conflict_list"), {"uscc": valid_uscc(78), "note": "亲属"})
    assert response.status_code == 200
    assert shown(response, "No employer has this unified social credit code.")
    assert not InspectorConflict.objects.exists()


def test_another_inspectors_declaration_is_404(client):
    [inspector, other] = inspectors(2)
    employer = EmployerFactory()
    theirs = conflict_declare(inspector=other, employer=employer, note="亲属", by=other)
    client.force_login(inspector)
    assert employer.name not in client.get(reverse("supervision:conflict_list")).content.decode()
    assert client.post(reverse("supervision:conflict_withdraw", args=[theirs.pk])).status_code == 404
    assert InspectorConflict.objects.filter(pk=theirs.pk).exists()


def test_an_assessment_plan_names_the_session_and_project_not_the_person(bureau, bureau_user):
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(
        name="2026年第二期考核", held_on=dt.date(2026, 5, 10), projects=[project]
    )
    result = AssessmentResultFactory(session=session, project=project)
    plan = drawn_plan(bureau_user, inspectors(2), kind="assessments", size=1, title="考核抽查")
    page = bureau.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    assert "2026年第二期考核" in page
    assert project.name in page
    assert result.person.name not in page
    assert result.person.id_number not in page
