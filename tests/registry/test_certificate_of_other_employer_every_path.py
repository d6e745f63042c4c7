"""Issue 14, item 4: another employer cannot act on a certificate it does not hold.

The case: employer B's change-of-specialty application against a certificate held through employer A.
Every path refuses it with `certificate_of_other_employer`: the admin's add form and a draft's change form,
the services (create, submit, approve, issue: issuing never re-homes the certificate), the portal's
applicant form, the spreadsheet check and import, and the certificate holder's page.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from people.models import Level
from registry.eligibility import certificate_holder_problem
from registry.models import Application, RegistrationCertificate
from registry.services import applications as services
from registry.services.intake import RowsRejected, batch_import_rows, sheet_check
from registry.spreadsheets import LEVEL_LABELS, parse_sheet
from registry.workflow import ApplicationKind, ApplicationState, CertificateState
from tests.factories import (
    ApplicationFactory,
    BatchFactory,
    EmployerFactory,
    PersonFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.factories.exams import AssessmentCertificateFactory, MetrologyProjectFactory
from tests.portal_files import sheet_xlsx
from tests.registry.conftest import MONDAY

pytestmark = pytest.mark.django_db
K = ApplicationKind
CODE = "certificate_of_other_employer"


@pytest.fixture
def case(monday):
    """A's certificate of 赵敏 (level 2), a project she passed, and employer B with a clerk."""
    a, b = EmployerFactory(name="松花江仪表厂"), EmployerFactory(name="牡丹江衡器厂")
    person = PersonFactory(name="赵敏")
    certificate = RegistrationCertificateFactory(
        application__person=person,
        application__employer=a,
        application__level=Level.TWO,
        issued_on=MONDAY - dt.timedelta(days=400),
    )
    project = MetrologyProjectFactory(code="12.901", name="压力表")
    AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))
    clerk = UserFactory(username="clerk-b", role=Role.ENTERPRISE, employer=b)
    return {"a": a, "b": b, "person": person, "certificate": certificate, "project": project, "clerk": clerk}


def _unchanged(certificate: RegistrationCertificate, holder) -> None:
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID
    assert certificate.employer_id == holder.pk
    assert not RegistrationCertificate.objects.filter(previous=certificate).exists()


def _legacy_row(case, **state) -> Application:
    """A row as an older path could have written it (around the services): B's change on A's certificate."""
    return ApplicationFactory(
        kind=K.CHANGE_SPECIALTY,
        person=case["person"],
        employer=case["b"],
        level=Level.TWO,
        target_certificate=case["certificate"],
        projects=[case["project"]],
        **state,
    )


def test_the_admin_add_form_refuses_it(case, client, association_user):
    client.force_login(association_user)
    response = client.post(
        reverse("admin:registry_application_add"),
        {
            "kind": K.CHANGE_SPECIALTY,
            "person": case["person"].pk,
            "employer": case["b"].pk,
            "level": Level.TWO,
            "projects": [case["project"].pk],
            "target_certificate": case["certificate"].pk,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    form = response.context["adminform"].form
    assert [e.code for e in form.errors.as_data()["target_certificate"]] == [CODE]
    assert not Application.objects.filter(employer=case["b"]).exists()


def test_a_drafts_change_form_refuses_moving_it_to_another_employer(case, client, association_user):
    draft = ApplicationFactory(
        kind=K.CANCELLATION,
        person=case["person"],
        employer=case["a"],
        level=Level.TWO,
        target_certificate=case["certificate"],
    )
    client.force_login(association_user)
    response = client.post(
        reverse("admin:registry_application_change", args=[draft.pk]),
        {
            "kind": K.CANCELLATION,
            "person": case["person"].pk,
            "employer": case["b"].pk,
            "level": Level.TWO,
            "target_certificate": case["certificate"].pk,
        },
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["adminform"].form.errors.as_data()["target_certificate"]] == [
        CODE
    ]
    draft.refresh_from_db()
    assert draft.employer_id == case["a"].pk


def test_the_create_service_refuses_it(case):
    with pytest.raises(ValidationError) as excinfo:
        services.application_create(
            kind=K.CHANGE_SPECIALTY,
            person=case["person"],
            employer=case["b"],
            level=Level.TWO,
            by=case["clerk"],
            projects=[case["project"]],
            target_certificate=case["certificate"],
        )
    assert [e.code for e in excinfo.value.error_list] == [CODE]
    assert not Application.objects.filter(employer=case["b"]).exists()


def test_submission_refuses_it(case, association_user):
    draft = _legacy_row(case)
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(application=draft, by=association_user)
    _code, message = certificate_holder_problem(
        case["certificate"], person_id=case["person"].pk, employer_id=case["b"].pk
    )
    assert message in excinfo.value.messages
    assert Application.objects.get(pk=draft.pk).state == ApplicationState.DRAFT


def test_approval_refuses_it(case, association_user):
    accepted = _legacy_row(case, accepted=True)
    with pytest.raises(ValidationError) as excinfo:
        services.application_approve(application=accepted, by=association_user)
    assert {e.code for e in excinfo.value.error_list} == {"not_eligible"}
    assert Application.objects.get(pk=accepted.pk).state == ApplicationState.ACCEPTED


def test_issuing_refuses_it_and_never_re_homes_the_certificate(case, association_user):
    approved = _legacy_row(case, approved=True)
    with pytest.raises(ValidationError) as excinfo:
        services.application_issue(application=approved, by=association_user)
    assert [e.code for e in excinfo.value.error_list] == [CODE]
    assert Application.objects.get(pk=approved.pk).state == ApplicationState.APPROVED
    _unchanged(case["certificate"], case["a"])


def test_bulk_issue_reports_it_and_issues_the_others(case, association_user):
    approved = _legacy_row(case, approved=True)
    result = services.application_bulk_issue(application_ids=[approved.pk], by=association_user)
    assert result.done == []
    assert list(result.failed) == [approved.pk]
    _unchanged(case["certificate"], case["a"])


def test_the_portal_applicant_form_does_not_offer_or_accept_it(case, client):
    client.force_login(case["clerk"])
    batch = BatchFactory(employer=case["b"])
    url = reverse("portal:applicant_add", args=[batch.pk])
    assert case["certificate"].number not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": K.CHANGE_SPECIALTY,
            "name": case["person"].name,
            "id_number": case["person"].id_number,
            "level": str(Level.TWO),
            "projects": [case["project"].pk],
            "target_certificate": case["certificate"].pk,
        },
    )
    assert response.status_code == 200
    assert "target_certificate" in response.context["form"].errors
    assert not Application.objects.filter(employer=case["b"]).exists()


def _sheet(case) -> SimpleUploadedFile:
    row = [
        case["person"].name,
        case["person"].id_number,
        "",
        LEVEL_LABELS[Level.TWO],
        "",
        "",
        case["project"].code,
        K.CHANGE_SPECIALTY.sheet_label,
        case["certificate"].number,
    ]
    return SimpleUploadedFile("applicants.xlsx", sheet_xlsx([row]))


def test_the_spreadsheet_check_and_import_refuse_it(case):
    result = sheet_check(employer=case["b"], file=_sheet(case), on=MONDAY)
    assert CODE in {code for error in result.errors for code in error.codes}
    parsed = parse_sheet(_sheet(case))
    with pytest.raises(RowsRejected) as excinfo:
        batch_import_rows(
            batch=BatchFactory(employer=case["b"]), rows=parsed.rows, by=case["clerk"], on=MONDAY
        )
    assert CODE in {code for problem in excinfo.value.problems for code in problem.codes}
    assert not Application.objects.filter(employer=case["b"]).exists()


def test_the_holder_page_of_another_employers_certificate_is_not_found(case, client):
    client.force_login(case["clerk"])
    response = client.get(reverse("portal:holder_detail", args=[case["certificate"].pk]))
    assert response.status_code == 404
