"""Supervision's audit events read as labelled Chinese lines: no raw keys or slugs reach the auditor."""

import datetime as dt
import re

import pytest

from accounts.roles import Role
from audit.describe import summary
from audit.models import AuditEvent
from supervision.models import MeasureKind, PlanKind
from supervision.services import (
    check_complete,
    check_record,
    conflict_declare,
    feedback_answer,
    feedback_close,
    feedback_submit,
    measure_add,
    measure_carry_out,
    plan_create,
    plan_draw,
    visit_decline,
    visit_plan,
    visit_record,
    visit_request,
)
from tests.factories import EmployerFactory, RegistrationCertificateFactory, UserFactory

RAW = re.compile(r"[a-z_]{4,}")  # a slug or key left untranslated


@pytest.mark.django_db
def test_every_supervision_event_reads_in_chinese(bureau_user, association_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 20, 10), tick=False)
    certificate = RegistrationCertificateFactory()
    inspectors = [UserFactory(username=f"r{n}", role=Role.INSPECTOR) for n in range(3)]
    conflict_declare(inspector=inspectors[2], employer=EmployerFactory(), note="亲属", by=inspectors[2])
    plan = plan_create(
        by=bureau_user,
        inspectors=inspectors,
        title="用证抽查",
        kind=PlanKind.EMPLOYERS,
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 12, 31),
        sample_size=1,
    )
    (check,) = plan_draw(plan=plan, by=bureau_user)
    inspector = check.inspectors.first()
    findings = {item: {"found": False} for item in ("trading", "renting", "altering", "beyond_scope")}
    findings["affiliation"] = {"found": True, "note": "挂靠", "certificate": certificate}
    check_record(check=check, by=inspector, findings=findings, checked_on=dt.date(2026, 11, 20), summary="")
    check_complete(check=check, by=inspector)
    measure = measure_add(
        check=check, by=inspector, kind=MeasureKind.REVOCATION, description="撤销", certificate=certificate
    )
    measure_carry_out(measure=measure, by=association_user)

    events = AuditEvent.objects.filter(action__startswith="supervision_")
    assert events.count() == 7
    for event in events:
        line = summary(event)
        assert line
        plan.refresh_from_db()
        readable = line.replace(certificate.number, "").replace(plan.seed, "")  # the hex seed is data
        assert not RAW.findall(readable), (event.action, line)


@pytest.mark.django_db
def test_visits_and_feedback_events_read_in_chinese(association_user, enterprise_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 20, 10), tick=False)
    employer = enterprise_user.employer
    requested = visit_request(employer=employer, by=enterprise_user, topics=["rules"], note="请指导建立制度")
    planned = visit_plan(
        visit=requested,
        by=association_user,
        planned_on=dt.date(2026, 11, 25),
        experts="张明",
        topics=["rules"],
    )
    visit_plan(
        visit=planned, by=association_user, planned_on=dt.date(2026, 11, 20), experts="张明", topics=["rules"]
    )
    visit_record(visit=planned, by=association_user, findings="台账不全", advice="补齐台账", follow_up="回访")
    other = visit_request(employer=employer, by=enterprise_user, topics=["standards"], note="建标")
    visit_decline(visit=other, by=association_user, reason="本月专家已排满")
    feedback = feedback_submit(topic="system", message="希望增加短信提醒。", contact="13904512233")
    feedback_answer(feedback=feedback, by=association_user, answer="已列入计划。")
    feedback_answer(feedback=feedback, by=association_user, answer="已列入下一版本。")
    feedback_close(feedback=feedback, by=association_user)

    events = AuditEvent.objects.filter(action__in=["supervision_visit", "supervision_feedback"])
    assert events.count() == 10
    for event in events:
        line = summary(event)
        assert line
        assert not RAW.findall(line), (event.action, line)
        assert "13904512233" not in line
