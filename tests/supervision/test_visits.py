"""Assistance visits (指导帮扶): the services' states and refusals, the enterprise's own visits only, the
association's admin steps, the bureau's read-only list."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from people.models import Prefecture
from supervision import services
from supervision.models import AssistanceVisit, VisitOrigin, VisitState, VisitTopic
from tests.factories import EmployerFactory

from .desk import TODAY, clerk_of, fixed_day, planned_visit, requested_visit  # noqa: F401

pytestmark = pytest.mark.django_db


def visit_events(visit) -> list[dict]:
    return [
        e.detail
        for e in AuditEvent.objects.filter(action=Action.SUPERVISION_VISIT, target_id=str(visit.pk)).order_by(
            "pk"
        )
    ]


# --- services -------------------------------------------------------------------------------------------
def test_a_request_is_planned_then_recorded_each_step_audited(today, association_user):
    clerk = clerk_of()
    visit = requested_visit(clerk)
    assert (visit.state, visit.origin) == (VisitState.REQUESTED, VisitOrigin.ENTERPRISE)
    services.visit_plan(
        visit=visit, by=association_user, planned_on=TODAY, experts="张明\n李华", topics=["standards", "x"]
    )
    visit.refresh_from_db()
    assert (visit.state, visit.topics, visit.planned_by) == (
        VisitState.PLANNED,
        ["standards"],
        association_user,
    )
    services.visit_record(
        visit=visit, by=association_user, findings="台账不全", advice="重建台账", follow_up="一个月后回访"
    )
    visit.refresh_from_db()
    assert (visit.state, visit.findings, visit.advice, visit.done_by) == (
        VisitState.DONE,
        "台账不全",
        "重建台账",
        association_user,
    )
    # Which step each event records (PostgreSQL's jsonb keeps keys in its own order, not the written one).
    steps = [
        next(k for k in ("requested", "planned", "replanned", "done", "declined") if k in d)
        for d in visit_events(visit)
    ]
    assert steps == ["requested", "planned", "done"]


def test_the_bureau_plans_a_visit_of_its_own_initiative(today, bureau_user):
    employer = EmployerFactory()
    visit = services.visit_plan(
        by=bureau_user, employer=employer, planned_on=TODAY, experts="王专家", topics=[VisitTopic.OTHER]
    )
    assert (visit.origin, visit.state, visit.created_by) == (
        VisitOrigin.BUREAU,
        VisitState.PLANNED,
        bureau_user,
    )


def test_a_clerk_requests_only_for_their_own_employer(today):
    clerk = clerk_of()
    with pytest.raises(ValidationError) as caught:
        services.visit_request(employer=EmployerFactory(), by=clerk, topics=["rules"], note="请指导")
    assert caught.value.code == "not_yours"
    assert not AssistanceVisit.objects.exists()


@pytest.mark.parametrize(
    ("topics", "note", "field"),
    [
        ([], "请指导", "topics"),
        (["bogus"], "请指导", "topics"),
        (["rules"], "  ", "note"),
        (["rules"], "=1+1", "note"),
    ],
)
def test_a_request_without_topics_or_note_is_refused(today, topics, note, field):
    clerk = clerk_of()
    with pytest.raises(ValidationError) as caught:
        services.visit_request(employer=clerk.employer, by=clerk, topics=topics, note=note)
    assert field in caught.value.message_dict
    assert not AssistanceVisit.objects.exists()


def test_only_association_or_bureau_plan_record_or_decline(today, inspector_user):
    clerk = clerk_of()
    visit = requested_visit(clerk)
    for user in (clerk, inspector_user):
        with pytest.raises(ValidationError):
            services.visit_plan(visit=visit, by=user, planned_on=TODAY, experts="x", topics=["rules"])
        with pytest.raises(ValidationError):
            services.visit_decline(visit=visit, by=user, reason="不需要")
    visit.refresh_from_db()
    assert visit.state == VisitState.REQUESTED


def test_a_visit_is_not_planned_in_the_past_nor_recorded_before_its_day(today, association_user):
    clerk = clerk_of()
    visit = requested_visit(clerk)
    with pytest.raises(ValidationError) as caught:
        services.visit_plan(
            visit=visit,
            by=association_user,
            planned_on=TODAY - dt.timedelta(days=1),
            experts="x",
            topics=["rules"],
        )
    assert "planned_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.visit_record(visit=visit, by=association_user, findings="a", advice="b", follow_up="")
    assert caught.value.code == "state"
    services.visit_plan(
        visit=visit,
        by=association_user,
        planned_on=TODAY + dt.timedelta(days=7),
        experts="x",
        topics=["rules"],
    )
    with pytest.raises(ValidationError) as caught:
        services.visit_record(visit=visit, by=association_user, findings="a", advice="b", follow_up="")
    assert caught.value.code == "early"


def test_a_declined_visit_keeps_its_reason_and_cannot_be_planned(today, association_user):
    visit = requested_visit(clerk_of())
    with pytest.raises(ValidationError):
        services.visit_decline(visit=visit, by=association_user, reason=" ")
    services.visit_decline(visit=visit, by=association_user, reason="本月专家已排满，请下月再申请。")
    visit.refresh_from_db()
    assert (visit.state, visit.declined_by) == (VisitState.DECLINED, association_user)
    with pytest.raises(ValidationError):
        services.visit_plan(visit=visit, by=association_user, planned_on=TODAY, experts="x", topics=["rules"])


# --- the portal -----------------------------------------------------------------------------------------
def test_the_clerk_sees_only_their_employers_visits(client, today, association_user):
    clerk, other = clerk_of(), clerk_of()
    mine = planned_visit(clerk, association_user)
    services.visit_record(visit=mine, by=association_user, findings="发现一", advice="建议一", follow_up="")
    theirs = requested_visit(other, note="别人的申请")
    client.force_login(clerk)
    listing = client.get(reverse("supervision_portal:visits"))
    assert listing.status_code == 200
    assert f'data-testid="visit-{mine.pk}"' in listing.text
    assert f'data-testid="visit-{theirs.pk}"' not in listing.text
    detail = client.get(reverse("supervision_portal:visit_detail", args=[mine.pk]))
    assert "发现一" in detail.text
    assert "建议一" in detail.text
    assert client.get(reverse("supervision_portal:visit_detail", args=[theirs.pk])).status_code == 404


def test_the_clerk_requests_a_visit_from_the_portal(client, today):
    clerk = clerk_of()
    client.force_login(clerk)
    response = client.post(
        reverse("supervision_portal:visit_request"),
        {"topics": ["instruments", "standards"], "note": "新建标准"},
    )
    visit = AssistanceVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision_portal:visit_detail", args=[visit.pk])
    assert (visit.employer, visit.topics, visit.created_by) == (
        clerk.employer,
        ["instruments", "standards"],
        clerk,
    )


def test_a_request_with_no_topic_shows_the_error_and_saves_nothing(client, today):
    client.force_login(clerk_of())
    response = client.post(reverse("supervision_portal:visit_request"), {"note": "新建标准"})
    assert response.status_code == 200
    assert response.context["form"].errors["topics"]
    assert not AssistanceVisit.objects.exists()


def test_the_portal_pages_are_for_enterprise_clerks(client, bureau_user):
    assert client.get(reverse("supervision_portal:visits")).status_code == 302  # to the login page
    client.force_login(bureau_user)
    assert client.get(reverse("supervision_portal:visits")).status_code == 403


def test_the_portal_list_runs_in_constant_queries(client, today, association_user):
    clerk = clerk_of()
    client.force_login(clerk)
    client.get(reverse("supervision_portal:visits"))  # the session's first request

    def queries(count: int) -> int:
        for _ in range(count):
            requested_visit(clerk)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("supervision_portal:visits")).status_code == 200
        return len(captured.captured_queries)

    assert queries(1) == queries(2)  # at most three requests wait at a time
    for visit in AssistanceVisit.objects.all():
        services.visit_plan(visit=visit, by=association_user, planned_on=TODAY, experts="x", topics=["rules"])
    before = queries(0)
    for _ in range(5):
        planned_visit(clerk, association_user)
    assert queries(0) == before


# --- the association's admin ----------------------------------------------------------------------------
def test_the_association_plans_records_and_declines_in_the_admin(client, today, association_user):
    clerk = clerk_of()
    visit = requested_visit(clerk)
    client.force_login(association_user)
    page = client.get(reverse("admin:supervision_assistancevisit_change", args=[visit.pk]))
    assert reverse("admin:supervision_assistancevisit_plan", args=[visit.pk]) in page.text
    response = client.post(
        reverse("admin:supervision_assistancevisit_plan", args=[visit.pk]),
        {"planned_on": "2026-11-19", "experts": "张明", "topics": ["rules"]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["planned_on"]
    response = client.post(
        reverse("admin:supervision_assistancevisit_plan", args=[visit.pk]),
        {"planned_on": "2026-11-20", "experts": "张明", "topics": ["rules"]},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:supervision_assistancevisit_record", args=[visit.pk]),
        {"findings": "台账不全", "advice": "重建台账", "follow_up": ""},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.DONE
    # A visit of the association's own initiative (the "add" page), then declined.
    response = client.post(
        reverse("admin:supervision_assistancevisit_add"),
        {"employer": clerk.employer.pk, "planned_on": "2026-11-27", "experts": "李华", "topics": ["other"]},
    )
    assert response.status_code == 302
    own = AssistanceVisit.objects.get(origin=VisitOrigin.ASSOCIATION)
    client.post(reverse("admin:supervision_assistancevisit_decline", args=[own.pk]), {"reason": "企业停产"})
    own.refresh_from_db()
    assert (own.state, own.decline_reason) == (VisitState.DECLINED, "企业停产")


def test_a_visits_fields_are_not_edited_in_the_admin(client, today, association_user):
    visit = requested_visit(clerk_of())
    client.force_login(association_user)
    client.post(
        reverse("admin:supervision_assistancevisit_change", args=[visit.pk]),
        {"state": "done", "findings": "改了", "planned_on": "2026-12-01"},
    )
    visit.refresh_from_db()
    assert (visit.state, visit.findings) == (VisitState.REQUESTED, "")


def test_the_admin_list_runs_in_constant_queries(client, today, association_user):
    client.force_login(association_user)
    client.get(reverse("admin:supervision_assistancevisit_changelist"))  # the session's first request

    def queries(count: int) -> int:
        for _ in range(count):
            planned_visit(clerk_of(), association_user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:supervision_assistancevisit_changelist")).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


# --- the bureau -----------------------------------------------------------------------------------------
def test_the_bureau_lists_visits_by_state_and_prefecture(client, today, bureau_user, association_user):
    harbin = requested_visit(clerk_of(prefecture=Prefecture.HARBIN), note="哈尔滨的申请")
    daqing = planned_visit(clerk_of(prefecture=Prefecture.DAQING), association_user)
    client.force_login(bureau_user)
    url = reverse("supervision:visits")
    page = client.get(url).text
    assert f"visit-{harbin.pk}" in page
    assert f"visit-{daqing.pk}" in page
    page = client.get(url, {"prefecture": "daqing"}).text
    assert f"visit-{harbin.pk}" not in page
    assert f"visit-{daqing.pk}" in page
    page = client.get(url, {"state": "requested", "prefecture": "nowhere"}).text
    assert f"visit-{harbin.pk}" in page
    assert f"visit-{daqing.pk}" not in page


def test_the_bureau_list_is_the_bureaus(client, enterprise_user, association_user):
    for user in (enterprise_user, association_user, AnonymousUser()):
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        assert client.get(reverse("supervision:visits")).status_code in (302, 403)


def test_the_bureau_list_runs_in_constant_queries(client, today, bureau_user, association_user):
    client.force_login(bureau_user)
    client.get(reverse("supervision:visits"))  # the session's first request

    def queries(count: int) -> int:
        for _ in range(count):
            planned_visit(clerk_of(), association_user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("supervision:visits")).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_the_bureaus_reports_page_links_the_lists(client, bureau_user):
    client.force_login(bureau_user)
    page = client.get(reverse("reports:home")).text
    assert f'href="{reverse("supervision:visits")}"' in page
    assert f'href="{reverse("supervision:feedback")}"' in page
