"""The inspector's pages (/supervision/checks/): only my checks and their files, the bureau every one;
the checklist, evidence, completion and measures through the page, with Chinese messages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override

from accounts.roles import Role
from audit.models import Action, AuditEvent
from supervision.models import CheckState, Evidence, MeasureKind, MeasureState, PlanKind
from supervision.models.checks import EmployerItem
from supervision.selectors import application_facts
from supervision.services import check_record, evidence_add, measure_add
from tests.factories import (
    ApplicationFactory,
    AssessmentResultFactory,
    CheckFactory,
    PlanFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.portal_files import pdf_bytes, photo_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(client):
    def signed_in(user):
        client.force_login(user)
        client.cookies["django_language"] = "zh-hans"
        return client

    return signed_in


def _page(response) -> str:
    return response.content.decode()


def _url(check, name="supervision:check_detail"):
    return reverse(name, args=[check.pk])


def _checklist(**answers):
    """POST data: every item not found unless given in `answers` as (found, note, certificate id)."""
    data = {"checked_on": "2026-11-20", "summary": ""}
    for item in EmployerItem.values:
        found, note, cert = answers.get(item, (False, "", ""))
        data[f"{item}-found"] = "found" if found else "not_found"
        data[f"{item}-note"] = note
        data[f"{item}-certificate"] = cert
    return data


def test_an_inspector_sees_only_their_checks_open_first(client_of, check, inspectors):
    other = CheckFactory(inspectors=[UserFactory(role=Role.INSPECTOR), UserFactory(role=Role.INSPECTOR)])
    done = CheckFactory(inspectors=inspectors, state=CheckState.COMPLETED, result="no_problem")
    page = _page(client_of(inspectors[0]).get(reverse("supervision:check_list")))
    assert f'data-testid="check-{check.pk}"' in page
    assert f'data-testid="check-{other.pk}"' not in page
    assert page.index(f"check-{check.pk}") < page.index(f"check-{done.pk}")
    open_only = _page(client_of(inspectors[0]).get(reverse("supervision:check_list"), {"show": "open"}))
    assert f"check-{check.pk}" in open_only
    assert f"check-{done.pk}" not in open_only


def test_the_list_runs_in_constant_queries(client_of, inspectors):
    def queries(count: int) -> int:
        for _ in range(count):
            RegistrationCertificateFactory()
            CheckFactory(inspectors=inspectors)
        client = client_of(inspectors[0])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("supervision:check_list")).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_inspector_a_cannot_open_inspector_bs_check_nor_its_evidence(client_of, check, inspectors):
    evidence = evidence_add(check=check, by=inspectors[0], file=SimpleUploadedFile("a.pdf", pdf_bytes()))
    stranger = client_of(UserFactory(role=Role.INSPECTOR))
    assert stranger.get(_url(check)).status_code == 404
    assert (
        stranger.get(reverse("supervision:evidence_download", args=[check.pk, evidence.pk])).status_code
        == 404
    )
    assert stranger.post(_url(check), _checklist()).status_code == 404
    assert stranger.post(_url(check, "supervision:check_complete")).status_code == 404
    assert not check.findings.exists()


def test_evidence_of_another_check_is_not_found_through_mine(client_of, check, inspectors):
    mine = CheckFactory(inspectors=inspectors)
    evidence = evidence_add(check=check, by=inspectors[0], file=SimpleUploadedFile("a.pdf", pdf_bytes()))
    url = reverse("supervision:evidence_download", args=[mine.pk, evidence.pk])
    assert client_of(inspectors[0]).get(url).status_code == 404


def test_the_bureau_opens_every_check_and_downloads_its_evidence(client_of, check, inspectors, bureau_user):
    evidence = evidence_add(check=check, by=inspectors[0], file=SimpleUploadedFile("现场.pdf", pdf_bytes()))
    bureau = client_of(bureau_user)
    assert bureau.get(_url(check)).status_code == 200
    response = bureau.get(reverse("supervision:evidence_download", args=[check.pk, evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action=Action.DOWNLOADED)
    assert event.actor == bureau_user
    assert "现场" not in str(event.detail)


def test_the_page_shows_the_employer_and_its_certificates_with_masked_ids(
    client_of, check, inspectors, certificate
):
    page = _page(client_of(inspectors[0]).get(_url(check)))
    assert check.employer.uscc in page
    assert certificate.number in page
    assert certificate.person.masked_id_number in page
    assert certificate.person.id_number not in page
    assert 'capture="environment"' in page
    assert 'accept="image/jpeg,image/png,application/pdf"' in page


def test_recording_findings(client_of, check, inspectors, certificate, today):
    response = client_of(inspectors[0]).post(
        _url(check), _checklist(renting=(True, "证书出租", str(certificate.pk))), follow=True
    )
    with override("zh-hans"):
        assert gettext("The checklist is saved.") in _page(response)
    renting = check.findings.get(item=EmployerItem.RENTING)
    assert (renting.found, renting.note, renting.certificate) == (True, "证书出租", certificate)
    check.refresh_from_db()
    assert check.checked_on == today


def test_found_without_a_note_is_refused_with_a_message(client_of, check, inspectors, today):
    response = client_of(inspectors[0]).post(_url(check), _checklist(trading=(True, "", "")))
    assert response.status_code == 200
    assert 'data-testid="checklist-errors"' in _page(response)
    page = _page(response)
    errors = page[page.index('data-testid="checklist-errors"') :][:400]
    with override("zh-hans"):
        assert str(EmployerItem.TRADING.label) in errors
    assert not check.findings.exists()


def test_a_certificate_of_another_employer_cannot_be_posted(client_of, check, inspectors, today):
    elsewhere = RegistrationCertificateFactory()
    response = client_of(inspectors[0]).post(_url(check), _checklist(renting=(True, "x", str(elsewhere.pk))))
    assert response.status_code == 200
    assert not check.findings.exists()


def test_completing_lists_the_unanswered_items_then_completes(client_of, check, inspectors, today):
    client = client_of(inspectors[0])
    data = _checklist()
    data["altering-found"] = ""
    client.post(_url(check), data)
    page = _page(client.post(_url(check, "supervision:check_complete"), follow=True))
    with override("zh-hans"):
        assert str(EmployerItem.ALTERING.label) in page
    check.refresh_from_db()
    assert check.state == CheckState.ASSIGNED

    client.post(_url(check), _checklist())
    client.post(_url(check, "supervision:check_complete"))
    check.refresh_from_db()
    assert (check.state, check.result) == (CheckState.COMPLETED, "no_problem")
    page = _page(client.get(_url(check)))
    assert 'data-testid="save-checklist"' not in page
    assert 'data-testid="findings"' in page


def test_uploading_several_good_files(client_of, check, inspectors):
    response = client_of(inspectors[0]).post(
        _url(check, "supervision:evidence_upload"),
        {
            "files": [SimpleUploadedFile("p.png", photo_png()), SimpleUploadedFile("s.pdf", pdf_bytes())],
            "item": "renting",
        },
    )
    assert response.status_code == 302
    assert sorted(check.evidence.values_list("original_name", flat=True)) == ["p.png", "s.pdf"]
    assert set(check.evidence.values_list("item", flat=True)) == {"renting"}


def test_a_bad_file_is_refused_in_chinese_and_nothing_is_saved(client_of, check, inspectors):
    response = client_of(inspectors[0]).post(
        _url(check, "supervision:evidence_upload"),
        {
            "files": [
                SimpleUploadedFile("good.png", photo_png()),
                SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 500),
            ]
        },
    )
    assert response.status_code == 200
    page = _page(response)
    assert "has-error" in page
    assert any("\u4e00" <= ch <= "\u9fff" for ch in page[page.index("field-error") :][:300])
    assert not Evidence.objects.exists()


@pytest.fixture
def problem(check, inspectors, certificate, today):
    findings = {item: {"found": False} for item in EmployerItem.values}
    findings["renting"] = {"found": True, "note": "证书出租", "certificate": certificate}
    check_record(check=check, by=inspectors[0], findings=findings, checked_on=today, summary="")
    return check


def test_ordering_a_rectification_without_a_due_date_is_refused(client_of, problem, inspectors):
    response = client_of(inspectors[0]).post(
        _url(problem, "supervision:measure_add"), {"kind": MeasureKind.RECTIFICATION, "description": "整改"}
    )
    assert response.status_code == 200
    assert 'data-testid="measure-errors"' in _page(response)
    assert not problem.measures.exists()


def test_ordering_a_revocation_shows_it_awaiting_the_association(client_of, problem, inspectors, certificate):
    client = client_of(inspectors[0])
    response = client.post(
        _url(problem, "supervision:measure_add"),
        {"kind": MeasureKind.REVOCATION, "description": "出租证书", "certificate": certificate.pk},
    )
    assert response.status_code == 302
    measure = problem.measures.get()
    assert (measure.kind, measure.certificate) == (MeasureKind.REVOCATION, certificate)
    page = _page(client.get(_url(problem)))
    with override("zh-hans"):
        assert gettext("Awaiting the association") in page
    assert f'data-testid="follow-up-{measure.pk}"' not in page


def test_following_up_a_rectification(client_of, problem, inspectors, today):
    measure = measure_add(
        check=problem,
        by=inspectors[0],
        kind=MeasureKind.RECTIFICATION,
        description="限期整改",
        due_on=today + dt.timedelta(days=30),
    )
    client = client_of(inspectors[1])
    url = reverse("supervision:measure_follow_up", args=[problem.pk, measure.pk])
    assert client.post(url, {f"m{measure.pk}-note": ""}).status_code == 200
    response = client.post(url, {f"m{measure.pk}-note": "复查合格", f"m{measure.pk}-done": "on"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.state == MeasureState.DONE
    assert "复查合格" in measure.follow_up


def test_a_measure_of_another_check_is_not_found(client_of, problem, inspectors, today):
    other = CheckFactory(inspectors=[UserFactory(role=Role.INSPECTOR), UserFactory(role=Role.INSPECTOR)])
    measure = measure_add(
        check=problem, by=inspectors[0], kind=MeasureKind.REFERRAL, description="移送", referred_to="公安"
    )
    mine = CheckFactory(inspectors=inspectors)
    url = reverse("supervision:measure_follow_up", args=[mine.pk, measure.pk])
    assert client_of(inspectors[0]).post(url, {f"m{measure.pk}-note": "x"}).status_code == 404
    url = reverse("supervision:measure_follow_up", args=[other.pk, measure.pk])
    assert client_of(inspectors[0]).post(url, {f"m{measure.pk}-note": "x"}).status_code == 404


def test_an_assessment_check_shows_the_scores_session_and_examiner(
    client_of, inspectors, training_centre_user
):
    result = AssessmentResultFactory(recorded_by=training_centre_user)
    check = CheckFactory(
        plan=PlanFactory(kind=PlanKind.ASSESSMENTS),
        employer=None,
        assessment_result=result,
        inspectors=inspectors,
    )
    page = _page(client_of(inspectors[0]).get(_url(check)))
    facts = page[page.index('data-testid="assessment-facts"') :]
    assert result.session.place in facts
    assert str(result.skill_score) in facts
    assert training_centre_user.get_full_name() in facts
    assert result.person.masked_id_number in facts
    assert result.person.id_number not in page
    assert 'name="equipment-found"' in page
    assert 'name="equipment-certificate"' not in page


def test_an_application_check_shows_working_days_against_the_limits(client_of, inspectors):
    application = ApplicationFactory(issued=True)
    check = CheckFactory(
        plan=PlanFactory(kind=PlanKind.APPLICATIONS),
        employer=None,
        application=application,
        inspectors=inspectors,
    )
    page = _page(client_of(inspectors[0]).get(_url(check)))
    facts = page[page.index('data-testid="application-facts"') :]
    facts = facts[: facts.index("</dl>")]
    known = application_facts(application)
    assert known.acceptance_days is not None
    with override("zh-hans"):
        for days, limit in ((known.acceptance_days, 5), (known.approval_days, 10), (known.issuance_days, 5)):
            assert gettext("%(days)s of %(limit)s working days") % {"days": days, "limit": limit} in facts
    assert application.person.masked_id_number in facts
    assert application.person.id_number not in page
