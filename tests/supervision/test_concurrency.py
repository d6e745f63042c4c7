"""Real concurrent connections on PostgreSQL: a plan is drawn once, a measure carried out once, whoever
presses the button at the same moment."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from registry.models import AuditEntry
from registry.workflow import CertificateState
from supervision.models import Check, MeasureKind, Plan, PlanKind, PlanState
from supervision.services import (
    check_complete,
    check_record,
    measure_add,
    measure_carry_out,
    plan_create,
    plan_draw,
)
from tests.concurrent import run_together
from tests.factories import RegistrationCertificateFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _plan(by, inspectors):
    return plan_create(
        by=by,
        inspectors=inspectors,
        title="并发抽取",
        kind=PlanKind.EMPLOYERS,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        sample_size=2,
    )


def test_two_draws_at_once_draw_once(bureau_user):
    RegistrationCertificateFactory.create_batch(3)
    inspectors = [UserFactory(username=f"cc{n}", role=Role.INSPECTOR) for n in range(3)]
    second = UserFactory(username="bureau2", role=Role.BUREAU)
    plan = _plan(bureau_user, inspectors)
    outcomes = run_together(
        lambda: plan_draw(plan=plan, by=bureau_user), lambda: plan_draw(plan=plan, by=second)
    )
    assert sum(isinstance(o, list) for o in outcomes) == 1
    assert [o.code for o in outcomes if isinstance(o, ValidationError)] == ["drawn"]
    assert Check.objects.filter(plan=plan).count() == 2
    assert Plan.objects.get(pk=plan.pk).state == PlanState.DRAWN


def test_two_staff_carrying_out_one_revocation_at_once(bureau_user, association_user):
    certificate = RegistrationCertificateFactory()
    inspectors = [UserFactory(username=f"cm{n}", role=Role.INSPECTOR) for n in range(2)]
    plan = _plan(bureau_user, inspectors)
    plan.sample_size = 1
    plan.save()
    (check,) = plan_draw(plan=plan, by=bureau_user)
    findings = {item: {"found": False} for item in ("trading", "renting", "altering", "beyond_scope")}
    findings["affiliation"] = {"found": True, "note": "挂靠", "certificate": certificate}
    check_record(check=check, by=inspectors[0], findings=findings, checked_on=dt.date.today(), summary="")
    check_complete(check=check, by=inspectors[0])
    measure = measure_add(
        check=check,
        by=inspectors[0],
        kind=MeasureKind.REVOCATION,
        description="挂靠",
        certificate=certificate,
    )
    colleague = UserFactory(username="assoc2", role=Role.ASSOCIATION)
    outcomes = run_together(
        lambda: measure_carry_out(measure=measure, by=association_user),
        lambda: measure_carry_out(measure=measure, by=colleague),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.REVOKED
    assert AuditEntry.objects.filter(certificate=certificate, transition="revoke").count() == 1
