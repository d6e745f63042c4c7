"""exams.services.results_import, the one write path of a score sheet: all rows checked, then all or none."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from audit.models import Action, AuditEvent
from exams.models import AssessmentResult
from exams.services import ScoreRow, ScoreRowsInvalid, results_import
from people.models import Person
from tests.factories import (
    AssessmentResultFactory,
    AssessmentSessionFactory,
    MetrologyProjectFactory,
    PersonFactory,
    valid_resident_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return MetrologyProjectFactory(code="12.201", name="压力表")


@pytest.fixture
def session(project):
    return AssessmentSessionFactory(projects=[project])


def _row(number, name, id_number, code, skill, knowledge) -> ScoreRow:
    return ScoreRow(
        number=number, name=name, id_number=id_number, project_code=code, skill=skill, knowledge=knowledge
    )


def test_a_valid_sheet_records_results_people_and_one_audit_event(session, project, training_centre_user):
    known = PersonFactory()
    recorded = AssessmentResultFactory(
        session=session, project=project, skill_score=Decimal("80"), knowledge_score=Decimal("70")
    )
    new_number = valid_resident_id(serial=31)
    outcome = results_import(
        rows=[
            _row(1, known.name, known.id_number, project.code, "70", "60"),
            _row(2, "钱 喆", new_number.lower(), project.code, 69.9, 100),
            _row(3, recorded.person.name, recorded.person.id_number, project.code, "80", "70"),
        ],
        session=session,
        by=training_centre_user,
        create_people=True,
    )

    assert (outcome.added, outcome.unchanged, outcome.people_added) == (2, 1, 1)
    added = Person.objects.with_id_number(new_number).get()
    assert added.name == "钱喆"
    results = {r.person_id: r for r in AssessmentResult.objects.filter(session=session)}
    assert results[known.pk].passed is True  # 70 and 60: both marks inclusive (exams.rules)
    assert results[added.pk].passed is False  # 69.9 skill fails whatever the knowledge
    assert results[known.pk].recorded_by == training_centre_user
    assert results[recorded.person_id].pk == recorded.pk
    event = AuditEvent.objects.get(action=Action.RECORD_CHANGED)
    assert (event.target_type, event.target_id, event.actor) == (
        "exams.assessmentsession",
        str(session.pk),
        training_centre_user,
    )
    assert (event.detail["new_rows"], event.detail["unchanged_rows"], event.detail["people_added"]) == (
        2,
        1,
        1,
    )
    assert new_number not in str(event.detail)


def test_one_bad_row_writes_nothing_and_every_problem_is_listed(session, project, training_centre_user):
    people_before = Person.objects.count()
    rows = [
        _row(1, "孙新人", valid_resident_id(serial=41), project.code, "80", "70"),
        _row(2, "周新人", valid_resident_id(serial=42), project.code, "800", "70"),
        _row(3, "吴新人", "23010219900101123", "99.99", "", "abc"),
    ]
    with translation.override("zh-hans"), pytest.raises(ScoreRowsInvalid) as refused:
        results_import(rows=rows, session=session, by=training_centre_user, create_people=True)

    problems = refused.value.outcome.problems
    assert set(problems) == {2, 3}
    assert set(problems[3]) == {"id_number", "project", "skill", "knowledge"}
    assert "0 到 100" in " ".join(problems[2]["skill"])
    assert any(m.startswith(("第 2 行", "Row 2")) for m in refused.value.messages)
    assert Person.objects.count() == people_before
    assert not AssessmentResult.objects.exists()
    assert not AuditEvent.objects.exists()


def test_other_scores_for_a_recorded_result_are_refused(session, project, training_centre_user):
    recorded = AssessmentResultFactory(session=session, project=project, skill_score=Decimal("50"))
    with pytest.raises(ScoreRowsInvalid) as refused:
        results_import(
            rows=[_row(1, recorded.person.name, recorded.person.id_number, project.code, "90", "90")],
            session=session,
            by=training_centre_user,
        )
    assert "__all__" in refused.value.outcome.problems[1]
    recorded.refresh_from_db()
    assert recorded.skill_score == Decimal("50")


def _queries(count: int, *, offset: int, project, by) -> int:
    session = AssessmentSessionFactory(projects=[project])
    known = PersonFactory.create_batch(count - count // 2)
    rows = [_row(i + 1, p.name, p.id_number, project.code, "80", "70") for i, p in enumerate(known)]
    rows += [
        _row(
            len(rows) + i + 1,
            f"新考生{offset + i}",
            valid_resident_id(birth=dt.date(1950, 1, 1) + dt.timedelta(days=offset + i), serial=i),
            project.code,
            "65",
            "90",
        )
        for i in range(count // 2)
    ]
    with CaptureQueriesContext(connection) as captured:
        outcome = results_import(rows=rows, session=session, by=by, create_people=True)
    assert outcome.added == count
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_rows(project, training_centre_user):
    three = _queries(3, offset=0, project=project, by=training_centre_user)
    twenty = _queries(20, offset=100, project=project, by=training_centre_user)
    assert three == twenty
