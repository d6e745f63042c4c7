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
    measure_add,
    measure_carry_out,
    plan_create,
    plan_draw,
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
