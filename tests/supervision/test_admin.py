"""The association's supervision admin: read-only lists in constant queries, evidence downloads recorded,
carrying out a revocation through the registry's workflow, and findings on the records' own pages."""

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import Action, AuditEvent
from registry.models import AuditEntry, RegistrationCertificate
from registry.workflow import CertificateState
from supervision.models import Measure, MeasureState
from tests.factories import (
    CheckFactory,
    EvidenceFactory,
    FindingFactory,
    InspectorConflictFactory,
    MeasureFactory,
    PlanFactory,
    RegistrationCertificateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, association_user):
    client.force_login(association_user)
    return client


def _problem(certificate=None):
    """A completed check of the certificate's employer that found it nominally affiliated."""
    certificate = certificate or RegistrationCertificateFactory()
    check = CheckFactory(employer=certificate.employer, completed=True)
    finding = FindingFactory(check_row=check, certificate=certificate, recorded_by=check.inspectors.first())
    return check, finding


def _errors(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == messages.ERROR]


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:supervision_plan_changelist"),
        reverse("admin:supervision_check_changelist"),
        reverse("admin:supervision_measure_changelist"),
        reverse("admin:supervision_inspectorconflict_changelist"),
    ],
)
def test_list_pages_run_in_constant_queries(staff, url, workday_calendar):
    def queries(count: int) -> int:
        plan = PlanFactory()
        for _ in range(count):
            check, _finding = _problem()
            check.plan = plan
            check.save()
            EvidenceFactory(check_row=check)
            MeasureFactory(check_row=check)
            MeasureFactory(check_row=check, revocation=True, certificate=_finding.certificate)
            InspectorConflictFactory()
        with CaptureQueriesContext(connection) as captured:
            response = staff.get(url)
            assert response.status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_a_plan_page_lists_its_checks_and_nothing_is_editable(staff):
    check, finding = _problem()
    response = staff.get(reverse("admin:supervision_plan_change", args=[check.plan.pk]))
    assert response.status_code == 200
    assert check.employer.name in response.content.decode()
    assert staff.get(reverse("admin:supervision_plan_add")).status_code == 403
    assert staff.get(reverse("admin:supervision_check_add")).status_code == 403
    assert staff.get(reverse("admin:supervision_measure_add")).status_code == 403
    assert staff.get(reverse("admin:supervision_check_delete", args=[check.pk])).status_code == 403
    page = staff.get(reverse("admin:supervision_check_change", args=[check.pk])).content.decode()
    assert finding.note in page
    assert 'name="_save"' not in page


def test_evidence_is_downloaded_from_private_storage_and_recorded(staff, association_user):
    evidence = EvidenceFactory()
    url = reverse("admin:supervision_check_evidence", args=[evidence.check_row_id, evidence.pk])
    response = staff.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action=Action.DOWNLOADED)
    assert event.actor_id == association_user.pk
    assert event.detail == {"file": "supervision_evidence"}
    assert event.target_id == str(evidence.pk)
    assert "现场照片" not in event.target_label


def test_evidence_of_another_check_is_not_found_and_not_recorded(staff):
    evidence = EvidenceFactory()
    other = CheckFactory()
    url = reverse("admin:supervision_check_evidence", args=[other.pk, evidence.pk])
    assert staff.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.DOWNLOADED).exists()


def test_the_training_centre_sees_no_supervision(client, training_centre_user):
    evidence = EvidenceFactory()
    client.force_login(training_centre_user)
    url = reverse("admin:supervision_check_evidence", args=[evidence.check_row_id, evidence.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:supervision_check_changelist")).status_code == 403


def test_the_association_carries_out_a_revocation_through_the_registry(staff, association_user):
    check, finding = _problem()
    measure = MeasureFactory(check_row=check, revocation=True, certificate=finding.certificate)
    change_url = reverse("admin:supervision_measure_change", args=[measure.pk])
    carry_out_url = reverse("admin:supervision_measure_carry_out", args=[measure.pk])
    assert carry_out_url in staff.get(change_url).content.decode()

    confirm = staff.get(carry_out_url)
    assert confirm.status_code == 200
    assert finding.certificate.number in confirm.content.decode()
    measure.refresh_from_db()
    assert measure.state == MeasureState.OPEN  # a GET changes nothing

    response = staff.post(carry_out_url)
    assert response.status_code == 302
    assert response.url == change_url
    measure.refresh_from_db()
    finding.certificate.refresh_from_db()
    assert measure.state == MeasureState.DONE
    assert measure.done_by == association_user
    assert finding.certificate.state == CertificateState.REVOKED
    entry = AuditEntry.objects.get(certificate=finding.certificate, transition="revoke")
    assert entry.by == association_user
    assert AuditEvent.objects.filter(action=Action.SUPERVISION_MEASURE).exists()
    # Done: the button is gone and a second POST changes nothing.
    assert carry_out_url not in staff.get(change_url).content.decode()
    staff.post(carry_out_url)
    assert AuditEntry.objects.filter(certificate=finding.certificate).count() == 1


def test_a_rectification_order_is_not_carried_out_here(staff):
    measure = MeasureFactory()
    carry_out_url = reverse("admin:supervision_measure_carry_out", args=[measure.pk])
    assert (
        carry_out_url
        not in staff.get(reverse("admin:supervision_measure_change", args=[measure.pk])).content.decode()
    )
    response = staff.post(carry_out_url, follow=True)
    assert _errors(response)
    measure.refresh_from_db()
    assert measure.state == MeasureState.OPEN


def test_a_refusal_of_the_registry_is_shown_and_nothing_changes(staff):
    check, finding = _problem()
    measure = MeasureFactory(check_row=check, suspension=True, certificate=finding.certificate)
    certificate = finding.certificate
    # Ended meanwhile by another way (set directly: only the registry's refusal is under test).
    RegistrationCertificate.objects.filter(pk=certificate.pk).update(state=CertificateState.REVOKED)
    response = staff.post(reverse("admin:supervision_measure_carry_out", args=[measure.pk]), follow=True)
    assert [certificate.number in message for message in _errors(response)] == [True]
    assert Measure.objects.get(pk=measure.pk).state == MeasureState.OPEN
    assert not AuditEntry.objects.filter(certificate=certificate).exists()


def test_the_employers_page_shows_its_findings_and_not_anothers(staff):
    check, finding = _problem()
    MeasureFactory(check_row=check, revocation=True, certificate=finding.certificate)
    other_check, other_finding = _problem()
    page = staff.get(reverse("admin:people_employer_change", args=[check.employer.pk])).content.decode()
    assert 'data-testid="supervision-findings"' in page
    assert finding.note in page
    assert finding.certificate.number in page
    assert other_finding.note not in page
    other_page = staff.get(
        reverse("admin:people_employer_change", args=[other_check.employer.pk])
    ).content.decode()
    assert other_finding.note in other_page
    assert finding.note not in other_page


def test_an_employer_without_findings_shows_no_panel(staff):
    check = CheckFactory(completed=True)
    FindingFactory(check_row=check, found=False, note="")
    page = staff.get(reverse("admin:people_employer_change", args=[check.employer.pk])).content.decode()
    assert 'data-testid="supervision-findings"' not in page


def test_the_holders_and_the_certificates_pages_show_the_finding(staff):
    check, finding = _problem()
    measure = MeasureFactory(check_row=check, revocation=True, certificate=finding.certificate)
    _other_check, other_finding = _problem()
    for url in (
        reverse("admin:people_person_change", args=[finding.certificate.person_id]),
        reverse("admin:registry_registrationcertificate_change", args=[finding.certificate.pk]),
    ):
        page = staff.get(url).content.decode()
        assert finding.note in page
        assert check.employer.name in page
        assert reverse("admin:supervision_measure_change", args=[measure.pk]) in page
        assert other_finding.note not in page


def test_who_may_not_read_spot_checks_sees_no_findings_on_an_employer(client):
    check, finding = _problem()
    client.force_login(UserFactory(role=Role.TRAINING_CENTRE))  # may view employers, not supervision
    page = client.get(reverse("admin:people_employer_change", args=[check.employer.pk])).content.decode()
    assert check.employer.name in page
    assert finding.note not in page


def test_the_admin_index_tells_the_association_what_awaits_it(staff, client, training_centre_user):
    certificate = RegistrationCertificateFactory()
    check, _finding = _problem(certificate)
    MeasureFactory(check_row=check)  # a rectification order: followed up by the inspectors, not here
    assert 'data-testid="measures-banner"' not in staff.get(reverse("admin:index")).content.decode()

    MeasureFactory(check_row=check, revocation=True, certificate=certificate)
    page = staff.get(reverse("admin:index")).content.decode()
    assert 'data-testid="measures-banner"' in page
    assert "1 项监督抽查下达的暂停或撤销注册待您执行" in page
    assert reverse("admin:supervision_measure_changelist") + "?state__exact=open" in page

    client.force_login(training_centre_user)  # cannot carry it out: no banner
    assert 'data-testid="measures-banner"' not in client.get(reverse("admin:index")).content.decode()
