"""The rules of recording a check and ordering measures (supervision.services): who may record, what a
finding needs, when a check completes, and what each kind of measure needs."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from audit.models import Action, AuditEvent
from registry.models import RegistrationCertificate
from registry.services.certificates import certificate_suspend
from registry.workflow import CertificateState
from supervision.models import CheckResult, CheckState, Evidence, MeasureKind, MeasureState
from supervision.models.checks import EmployerItem
from supervision.services import check_complete, check_record, evidence_add, measure_add, measure_follow_up
from tests.factories import RegistrationCertificateFactory, UserFactory
from tests.portal_files import photo_png

pytestmark = pytest.mark.django_db

ALL_CLEAR = {item: {"found": False, "note": ""} for item in EmployerItem.values}


def _with_problem(certificate=None, item=EmployerItem.RENTING):
    return {**ALL_CLEAR, item: {"found": True, "note": "证书出租给他人", "certificate": certificate}}


def test_a_problem_found_needs_a_note(check, inspectors, today):
    with pytest.raises(ValidationError) as error:
        check_record(
            check=check,
            by=inspectors[0],
            findings={EmployerItem.TRADING: {"found": True, "note": " "}},
            checked_on=today,
            summary="",
        )
    assert error.value.code == "note_required"
    assert not check.findings.exists()


def test_an_inspector_not_assigned_cannot_record(check, today):
    stranger = UserFactory(role=Role.INSPECTOR)
    with pytest.raises(ValidationError) as error:
        check_record(check=check, by=stranger, findings=ALL_CLEAR, checked_on=today, summary="")
    assert error.value.code == "not_yours"


def test_the_bureau_may_record(check, bureau_user, today):
    check_record(check=check, by=bureau_user, findings=ALL_CLEAR, checked_on=today, summary="")
    assert check.findings.count() == len(EmployerItem.values)


def test_a_certificate_of_another_employer_is_refused(check, inspectors, today):
    elsewhere = RegistrationCertificateFactory()
    with pytest.raises(ValidationError) as error:
        check_record(
            check=check, by=inspectors[0], findings=_with_problem(elsewhere), checked_on=today, summary=""
        )
    assert error.value.code == "certificate_elsewhere"
    assert not check.findings.exists()


def test_the_day_of_the_check_cannot_be_in_the_future(check, inspectors, today):
    with pytest.raises(ValidationError) as error:
        check_record(
            check=check,
            by=inspectors[0],
            findings=ALL_CLEAR,
            checked_on=today + dt.timedelta(days=1),
            summary="",
        )
    assert error.value.code == "future"


def test_recording_again_replaces_the_answers_and_is_audited(check, inspectors, certificate, today):
    check_record(check=check, by=inspectors[0], findings=ALL_CLEAR, checked_on=today, summary="")
    check_record(
        check=check, by=inspectors[1], findings=_with_problem(certificate), checked_on=today, summary="见附件"
    )
    renting = check.findings.get(item=EmployerItem.RENTING)
    assert (renting.found, renting.certificate, renting.recorded_by) == (True, certificate, inspectors[1])
    assert check.findings.count() == len(EmployerItem.values)
    assert AuditEvent.objects.filter(action=Action.SUPERVISION_CHECK).count() == 2


def test_completion_lists_the_unanswered_items(check, inspectors, today):
    check_record(
        check=check,
        by=inspectors[0],
        findings={EmployerItem.TRADING: {"found": False, "note": ""}},
        checked_on=today,
        summary="",
    )
    with pytest.raises(ValidationError) as error:
        check_complete(check=check, by=inspectors[0])
    assert error.value.code == "incomplete"
    assert str(EmployerItem.RENTING.label) in error.value.messages[0]
    check.refresh_from_db()
    assert check.state == CheckState.ASSIGNED


def test_completion_needs_the_day_of_the_check(check, inspectors):
    check_record(check=check, by=inspectors[0], findings=ALL_CLEAR, checked_on=None, summary="")
    with pytest.raises(ValidationError) as error:
        check_complete(check=check, by=inspectors[0])
    assert error.value.code == "checked_on"


def test_the_result_follows_the_findings_and_a_completed_check_is_closed(check, inspectors, today):
    check_record(check=check, by=inspectors[0], findings=_with_problem(), checked_on=today, summary="")
    check_complete(check=check, by=inspectors[1])
    check.refresh_from_db()
    assert (check.state, check.result, check.completed_by) == (
        CheckState.COMPLETED,
        CheckResult.PROBLEMS,
        inspectors[1],
    )
    with pytest.raises(ValidationError) as error:
        check_record(check=check, by=inspectors[0], findings=ALL_CLEAR, checked_on=today, summary="")
    assert error.value.code == "completed"
    with pytest.raises(ValidationError):
        evidence_add(check=check, by=inspectors[0], file=SimpleUploadedFile("p.png", photo_png()))


def test_a_file_that_is_not_what_it_says_is_refused(check, inspectors):
    with pytest.raises(ValidationError):
        evidence_add(check=check, by=inspectors[0], file=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" * 64))
    assert not Evidence.objects.exists()


def test_evidence_is_kept_under_a_name_of_its_own(check, inspectors):
    evidence = evidence_add(
        check=check, by=inspectors[0], file=SimpleUploadedFile("张三身份证.png", photo_png()), item="renting"
    )
    assert evidence.original_name == "张三身份证.png"
    assert "张三" not in evidence.file.name


def test_a_measure_needs_a_problem_found(check, inspectors, today):
    check_record(check=check, by=inspectors[0], findings=ALL_CLEAR, checked_on=today, summary="")
    with pytest.raises(ValidationError) as error:
        measure_add(
            check=check,
            by=inspectors[0],
            kind=MeasureKind.REFERRAL,
            description="移送",
            referred_to="市场监管局",
        )
    assert error.value.code == "no_problem"


@pytest.fixture
def problem(check, inspectors, today):
    check_record(check=check, by=inspectors[0], findings=_with_problem(), checked_on=today, summary="")
    return check


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": MeasureKind.RECTIFICATION, "description": "整改"}, "due_on"),
        (
            {"kind": MeasureKind.RECTIFICATION, "description": "整改", "due_on": dt.date(2026, 11, 19)},
            "due_past",
        ),
        ({"kind": MeasureKind.REFERRAL, "description": "移送", "referred_to": " "}, "referred_to"),
        ({"kind": MeasureKind.REVOCATION, "description": "撤销"}, "certificate"),
        ({"kind": MeasureKind.SUSPENSION, "description": " "}, "description"),
        ({"kind": "fine", "description": "罚款"}, "kind"),
    ],
)
def test_what_each_measure_needs(problem, inspectors, fields, code):
    with pytest.raises(ValidationError) as error:
        measure_add(check=problem, by=inspectors[0], **fields)
    assert error.value.code == code
    assert not problem.measures.exists()


def test_a_revocation_of_another_employers_certificate_is_refused(problem, inspectors):
    elsewhere = RegistrationCertificateFactory()
    with pytest.raises(ValidationError) as error:
        measure_add(
            check=problem,
            by=inspectors[0],
            kind=MeasureKind.REVOCATION,
            description="撤销",
            certificate=elsewhere,
        )
    assert error.value.code == "certificate_elsewhere"


def test_a_suspended_certificate_cannot_be_suspended_again(
    problem, inspectors, certificate, association_user
):
    certificate_suspend(certificate=certificate, by=association_user, reason="另案暂停")
    certificate = RegistrationCertificate.objects.get(pk=certificate.pk)
    with pytest.raises(ValidationError) as error:
        measure_add(
            check=problem,
            by=inspectors[0],
            kind=MeasureKind.SUSPENSION,
            description="暂停",
            certificate=certificate,
        )
    assert error.value.code == "certificate_state"


def test_a_revocation_is_ordered_and_waits_for_the_association(problem, inspectors, certificate):
    measure = measure_add(
        check=problem,
        by=inspectors[0],
        kind=MeasureKind.REVOCATION,
        description="出租证书",
        certificate=certificate,
        due_on=dt.date(2027, 1, 1),
    )
    assert (measure.state, measure.certificate, measure.due_on) == (MeasureState.OPEN, certificate, None)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID  # only the association carries it out
    with pytest.raises(ValidationError) as error:
        measure_follow_up(measure=measure, by=inspectors[0], note="已通知", done=True)
    assert error.value.code == "certificate_measure"


def test_a_rectification_is_followed_up_until_done(problem, inspectors, today):
    measure = measure_add(
        check=problem,
        by=inspectors[0],
        kind=MeasureKind.RECTIFICATION,
        description="限期整改",
        due_on=dt.date(2026, 12, 20),
    )
    measure_follow_up(measure=measure, by=inspectors[1], note="已提交整改报告", done=False)
    with pytest.raises(ValidationError) as error:
        measure_follow_up(measure=measure, by=inspectors[1], note=" ", done=True)
    assert error.value.code == "note"
    measure_follow_up(measure=measure, by=inspectors[1], note="复查合格", done=True)
    measure.refresh_from_db()
    assert (measure.state, measure.done_on, measure.done_by) == (MeasureState.DONE, today, inspectors[1])
    assert "已提交整改报告" in measure.follow_up
    assert "复查合格" in measure.follow_up
    with pytest.raises(ValidationError) as error:
        measure_follow_up(measure=measure, by=inspectors[1], note="再次", done=True)
    assert error.value.code == "done"


def test_a_stranger_cannot_order_or_follow_up(problem, inspectors):
    stranger = UserFactory(role=Role.INSPECTOR)
    with pytest.raises(ValidationError) as error:
        measure_add(
            check=problem, by=stranger, kind=MeasureKind.REFERRAL, description="移送", referred_to="公安"
        )
    assert error.value.code == "not_yours"
    measure = measure_add(
        check=problem, by=inspectors[0], kind=MeasureKind.REFERRAL, description="移送", referred_to="公安"
    )
    with pytest.raises(ValidationError) as error:
        measure_follow_up(measure=measure, by=stranger, note="x", done=True)
    assert error.value.code == "not_yours"
