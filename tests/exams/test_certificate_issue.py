"""Issuing assessment certificates for passed results, and their gap-free yearly numbers."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import AssessmentCertificate, AssessmentResult
from exams.selectors import projects_with_valid_assessment_for_people
from exams.services import (
    assessment_certificate_revoke,
    certificate_numbers_take,
    certificates_issue,
    result_record,
)
from tests.factories import (
    AssessmentResultFactory,
    AssessmentSessionFactory,
    MetrologyProjectFactory,
    PersonFactory,
    UserFactory,
)

ISSUED_ON = dt.date(2026, 6, 10)


def _held(person_id, on):
    """The projects one person holds a valid assessment for (the set-based selector, for one person)."""
    return projects_with_valid_assessment_for_people(person_ids=[person_id], on=on).get(
        person_id, frozenset()
    )


@pytest.mark.django_db
def test_numbers_are_consecutive_per_year_and_restart_each_year():
    assert certificate_numbers_take(year=2026, count=2) == ["HLJKH-2026-000001", "HLJKH-2026-000002"]
    assert certificate_numbers_take(year=2026, count=1) == ["HLJKH-2026-000003"]
    assert certificate_numbers_take(year=2027, count=1) == ["HLJKH-2027-000001"]


@pytest.mark.django_db
def test_one_certificate_per_person_covering_their_selected_passed_projects(training_centre_user):
    a, b = PersonFactory(), PersonFactory()
    p1, p2 = MetrologyProjectFactory(), MetrologyProjectFactory()
    session = AssessmentSessionFactory(projects=[p1, p2])
    a1 = AssessmentResultFactory(session=session, person=a, project=p1)
    a2 = AssessmentResultFactory(session=session, person=a, project=p2)
    b1 = AssessmentResultFactory(session=session, person=b, project=p1)
    b2_failed = AssessmentResultFactory(session=session, person=b, project=p2, failed=True)

    outcome = certificates_issue(
        results=[a1, a2, b1, b2_failed], by=training_centre_user, issued_on=ISSUED_ON
    )

    assert outcome.skipped == 1
    assert [c.number for c in outcome.certificates] == ["HLJKH-2026-000001", "HLJKH-2026-000002"]
    by_person = {c.person_id: c for c in AssessmentCertificate.objects.prefetch_related("projects")}
    assert {p.pk for p in by_person[a.pk].projects.all()} == {p1.pk, p2.pk}
    assert {p.pk for p in by_person[b.pk].projects.all()} == {p1.pk}
    assert by_person[a.pk].issued_by == training_centre_user
    assert AssessmentResult.objects.get(pk=b2_failed.pk).certificate_id is None
    assert _held(a.pk, ISSUED_ON) == {p1.pk, p2.pk}


@pytest.mark.django_db
def test_a_result_is_certified_only_once(training_centre_user):
    result = AssessmentResultFactory()
    certificates_issue(results=[result], by=training_centre_user, issued_on=ISSUED_ON)

    again = certificates_issue(results=[result], by=training_centre_user, issued_on=ISSUED_ON)

    assert again.certificates == []
    assert again.skipped == 1
    assert AssessmentCertificate.objects.count() == 1


@pytest.mark.django_db
def test_issuing_runs_in_constant_queries(training_centre_user):
    """The same queries for 3 people as for 30: no query per result or per certificate."""

    def queries_to_issue(count: int) -> int:
        results = AssessmentResultFactory.create_batch(count)
        with CaptureQueriesContext(connection) as captured:
            certificates_issue(results=results, by=training_centre_user, issued_on=ISSUED_ON)
        return len(captured.captured_queries)

    assert queries_to_issue(3) == queries_to_issue(30)
    assert AssessmentCertificate.objects.count() == 33


@pytest.mark.django_db
def test_revoked_certificate_stops_counting(training_centre_user):
    result = AssessmentResultFactory()
    certificate = certificates_issue(
        results=[result], by=training_centre_user, issued_on=ISSUED_ON
    ).certificates[0]

    assessment_certificate_revoke(certificate=certificate, reason="证书信息有误", by=training_centre_user)

    assert _held(result.person_id, ISSUED_ON) == frozenset()


@pytest.mark.django_db
def test_recording_a_result_sets_passed_by_the_rule(training_centre_user):
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(projects=[project])

    def record(knowledge: str) -> AssessmentResult:
        return result_record(
            session=session,
            person=PersonFactory(),
            project=project,
            skill_score=Decimal("70"),
            knowledge_score=Decimal(knowledge),
            by=training_centre_user,
        )

    assert record("59.9").passed is False
    assert record("60").passed is True
    assert sorted(AssessmentResult.objects.values_list("passed", flat=True)) == [False, True]


@pytest.mark.django_db
def test_a_certified_result_cannot_be_changed(training_centre_user):
    result = AssessmentResultFactory()
    certificates_issue(results=[result], by=training_centre_user, issued_on=ISSUED_ON)

    with pytest.raises(ValidationError):
        result_record(
            session=result.session,
            person=result.person,
            project=result.project,
            skill_score=Decimal("10"),
            knowledge_score=Decimal("10"),
            by=training_centre_user,
        )
    assert AssessmentResult.objects.get().skill_score == result.skill_score


@pytest.mark.django_db
def test_recording_refuses_a_project_outside_the_session(training_centre_user):
    session = AssessmentSessionFactory(projects=[MetrologyProjectFactory()])

    with pytest.raises(ValidationError) as excinfo:
        result_record(
            session=session,
            person=PersonFactory(),
            project=MetrologyProjectFactory(),
            skill_score=Decimal("80"),
            knowledge_score=Decimal("80"),
            by=training_centre_user,
        )
    assert "project" in excinfo.value.message_dict
    assert AssessmentResult.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_unique_gap_free_numbers():
    """Eight staff issue at once for different people: eight distinct consecutive numbers."""
    user = UserFactory()
    results = AssessmentResultFactory.create_batch(8)
    barrier = threading.Barrier(len(results))
    errors: list[BaseException] = []

    def issue(result):
        try:
            barrier.wait()
            certificates_issue(results=[result], by=user, issued_on=ISSUED_ON)
        except BaseException as e:  # reported below, in the main thread
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(r,)) for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    numbers = sorted(AssessmentCertificate.objects.values_list("number", flat=True))
    assert numbers == [f"HLJKH-2026-{n:06d}" for n in range(1, 9)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_for_the_same_result_certifies_it_once():
    user = UserFactory()
    result = AssessmentResultFactory()
    barrier = threading.Barrier(4)

    def issue():
        try:
            barrier.wait()
            certificates_issue(results=[result], by=user, issued_on=ISSUED_ON)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert AssessmentCertificate.objects.count() == 1
    assert AssessmentResult.objects.get().certificate.number == "HLJKH-2026-000001"
