"""A recorded assessment result is never deleted or silently rewritten: it is corrected, with a reason,
pass/fail decided again by the rule, the old and new scores in the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import Action, AuditEvent
from exams.models import AssessmentResult
from exams.services import assessment_certificate_revoke, certificates_issue, result_correct, result_record
from tests.factories import AssessmentResultFactory

pytestmark = pytest.mark.django_db
ISSUED_ON = dt.date(2026, 6, 1)


def corrections():
    return AuditEvent.objects.filter(action=Action.RESULT_CORRECTED)


@pytest.fixture
def centre(client, training_centre_user):
    client.force_login(training_centre_user)
    return client


def test_a_correction_changes_the_scores_decides_pass_again_and_is_audited(training_centre_user):
    result = AssessmentResultFactory(skill_score=Decimal("85"), knowledge_score=Decimal("75.5"))

    result_correct(
        result=result,
        skill=Decimal("65"),
        knowledge=Decimal("75.5"),
        reason="  操作技能成绩  录入有误 ",
        by=training_centre_user,
    )

    result.refresh_from_db()
    assert (result.skill_score, result.passed, result.recorded_by) == (
        Decimal("65"),
        False,
        training_centre_user,
    )
    event = corrections().get()
    assert (event.actor, event.target_type, event.target_id) == (
        training_centre_user,
        "exams.assessmentresult",
        str(result.pk),
    )
    assert event.detail == {
        "old": {"skill": "85.0", "knowledge": "75.5", "passed": True},
        "new": {"skill": "65", "knowledge": "75.5", "passed": False},
        "reason": "操作技能成绩 录入有误",
        "certificate": None,
    }


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_correction_without_a_reason_is_refused_and_changes_nothing(training_centre_user, reason):
    result = AssessmentResultFactory()

    with pytest.raises(ValidationError) as refused:
        result_correct(
            result=result,
            skill=Decimal("50"),
            knowledge=Decimal("50"),
            reason=reason,
            by=training_centre_user,
        )

    assert refused.value.message_dict["reason"]
    result.refresh_from_db()
    assert result.skill_score == Decimal("85.0")
    assert not corrections().exists()


@pytest.mark.parametrize(
    ("skill", "knowledge", "field"),
    [("101", "60", "skill"), ("70", "-1", "knowledge"), ("70.55", "60", "skill"), ("NaN", "60", "skill")],
)
def test_scores_the_rule_does_not_accept_are_refused(training_centre_user, skill, knowledge, field):
    result = AssessmentResultFactory()

    with pytest.raises(ValidationError) as refused:
        result_correct(
            result=result,
            skill=Decimal(skill),
            knowledge=Decimal(knowledge),
            reason="录入错误",
            by=training_centre_user,
        )

    assert field in refused.value.message_dict
    assert not corrections().exists()


def test_unchanged_scores_are_not_a_correction(training_centre_user):
    result = AssessmentResultFactory()
    with pytest.raises(ValidationError, match="没有需要更正"):
        result_correct(
            result=result,
            skill=Decimal("85"),
            knowledge=Decimal("75.5"),
            reason="核对",
            by=training_centre_user,
        )
    assert not corrections().exists()


def test_a_correction_that_would_fail_a_certified_result_is_refused_until_the_certificate_is_revoked(
    training_centre_user,
):
    result = AssessmentResultFactory()
    certificate = certificates_issue(
        results=[result], by=training_centre_user, issued_on=ISSUED_ON
    ).certificates[0]

    with pytest.raises(ValidationError) as refused:
        result_correct(
            result=result,
            skill=Decimal("50"),
            knowledge=Decimal("75.5"),
            reason="误录",
            by=training_centre_user,
        )
    assert certificate.number in " ".join(refused.value.messages)
    result.refresh_from_db()
    assert (result.skill_score, result.passed) == (Decimal("85.0"), True)

    assessment_certificate_revoke(
        certificate=certificate, reason="成绩误录，证书作废", by=training_centre_user
    )
    result_correct(
        result=result, skill=Decimal("50"), knowledge=Decimal("75.5"), reason="误录", by=training_centre_user
    )
    result.refresh_from_db()
    assert result.passed is False
    assert corrections().get().detail["certificate"] == certificate.number


def test_a_correction_that_keeps_a_certified_result_passed_leaves_the_certificate(training_centre_user):
    result = AssessmentResultFactory()
    certificate = certificates_issue(
        results=[result], by=training_centre_user, issued_on=ISSUED_ON
    ).certificates[0]

    result_correct(
        result=result,
        skill=Decimal("80"),
        knowledge=Decimal("75.5"),
        reason="复核更正",
        by=training_centre_user,
    )

    result.refresh_from_db()
    certificate.refresh_from_db()
    assert (result.skill_score, result.passed, result.certificate_id) == (Decimal("80"), True, certificate.pk)
    assert certificate.revoked_at is None


def test_recording_other_scores_for_a_recorded_result_is_refused_the_same_scores_change_nothing(
    training_centre_user,
):
    result = AssessmentResultFactory()
    same = result_record(
        session=result.session,
        person=result.person,
        project=result.project,
        skill_score=Decimal("85"),
        knowledge_score=Decimal("75.5"),
        by=training_centre_user,
    )
    assert same.pk == result.pk

    with pytest.raises(ValidationError, match="更正"):
        result_record(
            session=result.session,
            person=result.person,
            project=result.project,
            skill_score=Decimal("10"),
            knowledge_score=Decimal("10"),
            by=training_centre_user,
        )
    result.refresh_from_db()
    assert result.skill_score == Decimal("85.0")


# --- the admin --------------------------------------------------------------------------------------


def test_the_training_centre_cannot_delete_results(centre, training_centre_user):
    result = AssessmentResultFactory()

    assert not training_centre_user.has_perm("exams.delete_assessmentresult")
    assert (
        centre.post(
            reverse("admin:exams_assessmentresult_delete", args=[result.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        "delete_selected"
        not in centre.get(reverse("admin:exams_assessmentresult_changelist")).content.decode()
    )
    centre.post(
        reverse("admin:exams_assessmentresult_changelist"),
        {"action": "delete_selected", "_selected_action": [result.pk], "post": "yes"},
    )
    assert AssessmentResult.objects.filter(pk=result.pk).exists()


def test_not_even_a_superuser_deletes_a_result_in_the_admin(client):
    from tests.factories import UserFactory

    result = AssessmentResultFactory()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(reverse("admin:exams_assessmentresult_delete", args=[result.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AssessmentResult.objects.filter(pk=result.pk).exists()


def test_the_result_page_is_read_only_and_offers_the_correction(centre):
    result = AssessmentResultFactory()
    url = reverse("admin:exams_assessmentresult_change", args=[result.pk])

    page = centre.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("admin:exams_assessmentresult_correct", args=[result.pk]) in html
    assert 'name="_save"' not in html
    assert "更正成绩" in html

    centre.post(url, {"skill_score": "10", "knowledge_score": "10", "_save": "1"})
    result.refresh_from_db()
    assert result.skill_score == Decimal("85.0")


def test_the_correction_form_corrects_and_records(centre, training_centre_user):
    result = AssessmentResultFactory()
    url = reverse("admin:exams_assessmentresult_correct", args=[result.pk])

    response = centre.post(url, {"skill": "85", "knowledge": "55", "reason": "知识成绩登记错误"})

    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.knowledge_score, result.passed) == (Decimal("55"), False)
    event = corrections().get()
    assert event.actor == training_centre_user
    assert event.ip == "127.0.0.1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"skill": "85", "knowledge": "55", "reason": ""}, "请填写更正原因"),
        ({"skill": "abc", "knowledge": "55", "reason": "原因"}, "不是数字"),
        ({"skill": "85", "knowledge": "155", "reason": "原因"}, "超出范围"),
        ({"skill": "85", "knowledge": "75.5", "reason": "原因"}, "没有需要更正"),
        ({"skill": "85", "knowledge": "55", "reason": "长" * 501}, "500"),
    ],
)
def test_bad_corrections_get_a_chinese_message_and_change_nothing(centre, data, message):
    result = AssessmentResultFactory()

    response = centre.post(reverse("admin:exams_assessmentresult_correct", args=[result.pk]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    result.refresh_from_db()
    assert (result.skill_score, result.knowledge_score) == (Decimal("85.0"), Decimal("75.5"))
    assert not corrections().exists()


def test_the_certified_refusal_is_shown_on_the_correction_page(centre, training_centre_user):
    result = AssessmentResultFactory()
    certificate = certificates_issue(
        results=[result], by=training_centre_user, issued_on=ISSUED_ON
    ).certificates[0]

    response = centre.post(
        reverse("admin:exams_assessmentresult_correct", args=[result.pk]),
        {"skill": "50", "knowledge": "75.5", "reason": "误录"},
    )

    html = response.content.decode()
    assert certificate.number in html
    assert "撤销" in html


def test_the_association_reads_results_but_cannot_correct_them(client, association_user):
    result = AssessmentResultFactory()
    client.force_login(association_user)

    page = client.get(reverse("admin:exams_assessmentresult_change", args=[result.pk]))
    assert page.status_code == 200
    assert reverse("admin:exams_assessmentresult_correct", args=[result.pk]) not in page.content.decode()
    response = client.post(
        reverse("admin:exams_assessmentresult_correct", args=[result.pk]),
        {"skill": "10", "knowledge": "10", "reason": "x"},
    )
    assert response.status_code == 403
    result.refresh_from_db()
    assert result.skill_score == Decimal("85.0")
