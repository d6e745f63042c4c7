"""A suspension or revocation ordered on a spot check is carried out through the registry's workflow:
the certificate's transition, its audit entry, its regenerated PDF and public page — never an edited row
(issue 16, "Done when"; docs/decisions/0098-measures-on-certificates.md)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from audit.models import Action, AuditEvent
from registry.models import AuditEntry
from registry.services.certificates import certificate_reinstate, certificate_suspend, certificates_expire
from registry.workflow import CertificateState
from supervision.models import MeasureKind, MeasureState, PlanKind
from supervision.services import (
    check_complete,
    check_record,
    measure_add,
    measure_carry_out,
    plan_create,
    plan_draw,
)
from tests.factories import RegistrationCertificateFactory, UserFactory


@pytest.fixture
def drawn(bureau_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 20, 10), tick=False)
    certificate = RegistrationCertificateFactory()
    inspectors = [UserFactory(username=f"i{n}", role=Role.INSPECTOR) for n in range(2)]
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
    return check, certificate, inspectors


def _found_affiliation(check, certificate, inspector):
    check_record(
        check=check,
        by=inspector,
        checked_on=dt.date(2026, 11, 20),
        summary="",
        findings={
            "trading": {"found": False},
            "renting": {"found": False},
            "affiliation": {"found": True, "note": "持证人未在该企业实际工作", "certificate": certificate},
            "altering": {"found": False},
            "beyond_scope": {"found": False},
        },
    )
    check_complete(check=check, by=inspector)


def test_a_revocation_from_a_finding_goes_through_the_registry_workflow(drawn, association_user):
    check, certificate, inspectors = drawn
    _found_affiliation(check, certificate, inspectors[0])
    measure = measure_add(
        check=check,
        by=inspectors[1],
        kind=MeasureKind.REVOCATION,
        description="挂靠，撤销注册",
        certificate=certificate,
    )
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID  # ordered, not yet carried out

    measure_carry_out(measure=measure, by=association_user)

    certificate.refresh_from_db()
    measure.refresh_from_db()
    assert certificate.state == CertificateState.REVOKED
    assert "挂靠，撤销注册" in certificate.end_reason
    assert "用证抽查" in certificate.end_reason
    entry = AuditEntry.objects.get(certificate=certificate, transition="revoke")
    assert entry.by == association_user
    assert entry.to_state == CertificateState.REVOKED
    assert measure.state == MeasureState.DONE
    assert measure.done_by == association_user
    assert AuditEvent.objects.filter(
        action=Action.SUPERVISION_MEASURE, target_id=str(measure.pk), detail__carried_out="revocation"
    ).exists()
    with pytest.raises(ValidationError):  # done once
        measure_carry_out(measure=measure, by=association_user)


def test_a_suspension_is_carried_out_and_later_reinstated_in_the_registry(drawn, association_user):
    check, certificate, inspectors = drawn
    _found_affiliation(check, certificate, inspectors[0])
    measure = measure_add(
        check=check,
        by=inspectors[0],
        kind=MeasureKind.SUSPENSION,
        description="暂停注册，限期整改",
        certificate=certificate,
    )
    measure_carry_out(measure=measure, by=association_user)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.SUSPENDED
    assert certificate.ended_on is not None

    certificate_reinstate(certificate=certificate, by=association_user, reason="已整改")
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID
    assert certificate.ended_on is None
    assert list(
        AuditEntry.objects.filter(certificate=certificate).order_by("pk").values_list("transition", flat=True)
    ) == ["suspend", "reinstate"]


def test_only_the_association_carries_out_a_measure(drawn, bureau_user):
    check, certificate, inspectors = drawn
    _found_affiliation(check, certificate, inspectors[0])
    measure = measure_add(
        check=check,
        by=inspectors[0],
        kind=MeasureKind.REVOCATION,
        description="挂靠",
        certificate=certificate,
    )
    for user in (inspectors[0], bureau_user):
        with pytest.raises(ValidationError):
            measure_carry_out(measure=measure, by=user)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID
    assert not AuditEntry.objects.filter(certificate=certificate).exists()


def test_a_measure_on_another_employers_certificate_is_refused(drawn):
    check, certificate, inspectors = drawn
    _found_affiliation(check, certificate, inspectors[0])
    elsewhere = RegistrationCertificateFactory()
    with pytest.raises(ValidationError) as error:
        measure_add(
            check=check,
            by=inspectors[0],
            kind=MeasureKind.REVOCATION,
            description="挂靠",
            certificate=elsewhere,
        )
    assert error.value.code == "certificate_elsewhere"


def test_no_measure_without_a_problem_found(drawn):
    check, certificate, inspectors = drawn
    with pytest.raises(ValidationError) as error:
        measure_add(
            check=check,
            by=inspectors[0],
            kind=MeasureKind.REVOCATION,
            description="挂靠",
            certificate=certificate,
        )
    assert error.value.code == "no_problem"


def test_an_inspector_not_drawn_cannot_order_a_measure(drawn):
    check, certificate, inspectors = drawn
    _found_affiliation(check, certificate, inspectors[0])
    other = UserFactory(username="not-drawn", role=Role.INSPECTOR)
    with pytest.raises(ValidationError) as error:
        measure_add(
            check=check, by=other, kind=MeasureKind.REVOCATION, description="挂靠", certificate=certificate
        )
    assert error.value.code == "not_yours"


def test_a_suspended_certificate_expires_like_a_valid_one(association_user, time_machine):
    certificate = RegistrationCertificateFactory()
    certificate_suspend(certificate=certificate, by=association_user, reason="限期整改")
    assert certificates_expire(today=certificate.valid_until + dt.timedelta(days=1)) == 1
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.EXPIRED
