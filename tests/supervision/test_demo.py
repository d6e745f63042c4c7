"""seed_demo holds spot checks: a completed plan with a problem found, whose revocation went through the
registry's workflow, a drawn plan with open checks for `zhuanjia`, a draft; running it twice adds nothing."""

import pytest
from django.core.management import call_command

from accounts.models import User
from audit.models import AuditEvent
from registry.models import AuditEntry, RegistrationCertificate
from registry.workflow import CertificateState
from supervision.demo import DEMO_FINDING_NOTE
from supervision.models import (
    CheckState,
    Finding,
    InspectorConflict,
    Measure,
    MeasureKind,
    MeasureState,
    Plan,
    PlanState,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_completed_plan_with_a_revocation_through_the_registry_and_seeds_once():
    call_command("seed_demo", force=True)
    counts = (Plan.objects.count(), Measure.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo", force=True)
    assert (Plan.objects.count(), Measure.objects.count(), AuditEvent.objects.count()) == counts

    assert sorted(Plan.objects.values_list("state", flat=True)) == sorted(
        [PlanState.COMPLETED, PlanState.DRAWN, PlanState.DRAFT]
    )
    completed = Plan.objects.get(state=PlanState.COMPLETED)
    assert completed.seed
    assert completed.results_summary
    assert set(completed.checks.values_list("state", flat=True)) == {CheckState.COMPLETED}
    assert list(completed.checks.filter(result="problems").values_list("employer__name", flat=True)) == [
        "佳木斯三江电机有限公司"
    ]
    finding = Finding.objects.get(found=True)
    assert finding.note == DEMO_FINDING_NOTE
    assert finding.certificate is not None

    revocation = Measure.objects.get(kind=MeasureKind.REVOCATION)
    assert revocation.state == MeasureState.DONE
    assert revocation.done_by.username == "xiehui"
    certificate = RegistrationCertificate.objects.get(pk=finding.certificate_id)
    assert certificate.state == CertificateState.REVOKED
    entry = AuditEntry.objects.get(certificate=certificate, transition="revoke")
    assert entry.by.username == "xiehui"
    assert entry.to_state == CertificateState.REVOKED
    assert Measure.objects.get(kind=MeasureKind.RECTIFICATION).state == MeasureState.OPEN

    # The declared conflict was honoured by the draw.
    conflict = InspectorConflict.objects.get()
    assert not completed.checks.filter(employer=conflict.employer, inspectors=conflict.inspector).exists()
    assert [conflict.inspector_id, conflict.employer_id] in completed.conflicts
    assert all(c.inspectors.count() == 2 for c in completed.checks.all())

    drawn = Plan.objects.get(state=PlanState.DRAWN)
    zhuanjia = User.objects.get(username="zhuanjia")
    assert drawn.checks.exists()
    assert drawn.checks.filter(inspectors=zhuanjia, state=CheckState.ASSIGNED).count() == drawn.checks.count()
    assert User.objects.get(username="zhuanjia2").check_password("Demo@2026-HLJ")
