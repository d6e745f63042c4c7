"""Importing a session's scores from a spreadsheet: all or nothing, every bad row explained, few queries."""

import datetime as dt
from decimal import Decimal

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from exams.models import AssessmentResult
from exams.resources import ResultResource
from people.models import Person
from tests.factories import (
    AssessmentResultFactory,
    AssessmentSessionFactory,
    MetrologyProjectFactory,
    PersonFactory,
    valid_resident_id,
)

pytestmark = pytest.mark.django_db
HEADERS = ["姓名", "身份证号", "项目代码", "操作技能成绩", "知识成绩"]


@pytest.fixture
def project():
    return MetrologyProjectFactory(code="12.201", name="压力表")


@pytest.fixture
def session(project):
    return AssessmentSessionFactory(projects=[project])


def run_import(rows, *, session, create_people=False, dry_run=False, user=None):
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    resource = ResultResource(session=session, create_people=create_people)
    with translation.override("zh-hans"):
        return resource.import_data(dataset, dry_run=dry_run, user=user)


def errors_by_row(result) -> dict[int, str]:
    return {
        row.number: " ".join(m for ms in row.error_dict.values() for m in ms) for row in result.invalid_rows
    }


def test_valid_file_records_scores_and_pass_by_the_rule(session, project, training_centre_user):
    a, b, c = PersonFactory.create_batch(3)
    result = run_import(
        [
            [a.name, a.id_number, project.code, "70", "60"],
            [b.name, b.id_number, project.code, 69.9, 100],
            [c.name, c.id_number.lower(), project.code, "100", "59.9"],
        ],
        session=session,
        user=training_centre_user,
    )

    assert not result.has_errors()
    assert not result.has_validation_errors()
    stored = {r.person_id: r for r in AssessmentResult.objects.all()}
    assert stored[a.pk].passed is True
    assert stored[b.pk].passed is False
    assert stored[b.pk].skill_score == Decimal("69.9")
    assert stored[c.pk].passed is False
    assert stored[a.pk].recorded_by == training_centre_user
    assert stored[a.pk].session == session


def test_bad_file_saves_nothing_and_lists_every_bad_row_with_its_reason(session, project):
    known = PersonFactory(name="李明")
    inactive_elsewhere = MetrologyProjectFactory(code="12.299")
    valid = valid_resident_id(serial=7)  # once: each call draws a random birth date
    bad_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    rows = [
        [known.name, known.id_number, project.code, "88", "77"],  # 1: fine
        ["王五", "23010219900101123", project.code, "80", "70"],  # 2: 17 characters
        ["赵六", valid_resident_id(serial=8), project.code, "80", "70"],  # 3: unknown person
        [known.name, known.id_number, "99.99", "80", "70"],  # 4: unknown project
        [known.name, known.id_number, inactive_elsewhere.code, "80", "70"],  # 5: not in session
        ["张冒名", known.id_number, project.code, "80", "70"],  # 6: name mismatch (and duplicate)
        [known.name, known.id_number, project.code, "100.5", "70"],  # 7: out of range (duplicate)
        [known.name, known.id_number, project.code, "80.25", "-1"],  # 8: decimals, range (duplicate)
        [known.name, known.id_number, project.code, "", "abc"],  # 9: empty, not a number
        [known.name, bad_check, project.code, "80", "70"],  # 10: wrong check character
    ]
    people_before = Person.objects.count()

    result = run_import(rows, session=session, create_people=False)

    errors = errors_by_row(result)
    assert set(errors) == set(range(2, 11))
    assert "18位" in errors[2]
    assert "校验码" in errors[10]
    assert "未知的身份证号" in errors[3]
    assert "未知的计量专业项目代码" in errors[4]
    assert "不在本场考核" in errors[5]
    assert "李明" in errors[6]
    assert "不符" in errors[6]
    assert "重复" in errors[7]
    assert "0 到 100" in errors[7]
    assert "一位小数" in errors[8]
    assert "0 到 100" in errors[8]
    assert "请填写" in errors[9]
    assert "不是数字" in errors[9]
    assert AssessmentResult.objects.count() == 0
    assert Person.objects.count() == people_before


def test_one_bad_row_among_new_people_creates_no_one(session, project):
    rows = [
        ["孙新人", valid_resident_id(serial=11), project.code, "80", "70"],
        ["周新人", valid_resident_id(serial=12), project.code, "800", "70"],
    ]
    result = run_import(rows, session=session, create_people=True)

    assert result.has_validation_errors()
    assert Person.objects.filter(name__endswith="新人").count() == 0
    assert AssessmentResult.objects.count() == 0


def test_new_people_are_added_when_asked(session, project):
    number = valid_resident_id(serial=21)
    run_import([["钱 喆", number, project.code, "75", "65"]], session=session, create_people=True)

    person = Person.objects.with_id_number(number).get()
    assert person.name == "钱喆"
    assert AssessmentResult.objects.get().person == person


def test_reimport_of_the_same_scores_changes_nothing_and_other_sessions_are_not_matched(session, project):
    person = PersonFactory()
    old = AssessmentResultFactory(session=session, person=person, project=project, skill_score=Decimal("50"))
    other = AssessmentResultFactory(person=person, project=project, skill_score=Decimal("90"))

    outcome = run_import([[person.name, person.id_number, project.code, "50", "75.5"]], session=session)

    assert not outcome.has_validation_errors()
    assert outcome.totals["skip"] == 1
    old.refresh_from_db()
    other.refresh_from_db()
    assert (old.skill_score, old.recorded_at) == (
        Decimal("50"),
        AssessmentResult.objects.get(pk=old.pk).recorded_at,
    )
    assert other.skill_score == Decimal("90")
    assert AssessmentResult.objects.count() == 2


@pytest.mark.parametrize("certified", [False, True])
def test_reimport_with_other_scores_is_refused_a_score_is_corrected_only_with_a_reason(
    session, project, training_centre_user, certified
):
    from exams.services import certificates_issue

    result = AssessmentResultFactory(session=session, project=project, skill_score=Decimal("50"))
    if certified:
        result = AssessmentResultFactory(session=session, project=project)
        certificates_issue(results=[result], by=training_centre_user, issued_on=dt.date(2026, 6, 1))
    before = (result.skill_score, result.knowledge_score)

    outcome = run_import(
        [[result.person.name, result.person.id_number, project.code, "90", "90"]], session=session
    )

    assert "更正" in errors_by_row(outcome)[1]
    result.refresh_from_db()
    assert (result.skill_score, result.knowledge_score) == before


def test_missing_columns_are_reported_and_nothing_saved(session):
    dataset = tablib.Dataset(["张三", "230102199001011234"], headers=["姓名", "身份证号"])
    with translation.override("zh-hans"):
        result = ResultResource(session=session).import_data(dataset, dry_run=False)

    assert result.has_errors()
    assert "项目代码" in str(result.base_errors[0].error)
    assert AssessmentResult.objects.count() == 0


def _queries_to_import(count: int, *, offset: int, session, project) -> list[str]:
    people = [
        Person(
            name=f"考生{offset + i}",
            id_number=valid_resident_id(
                birth=dt.date(1960, 1, 1) + dt.timedelta(days=offset + i), serial=i % 1000
            ),
        )
        for i in range(count)
    ]
    Person.objects.bulk_create(people)
    rows = [[p.name, p.id_number, project.code, "80", "70"] for p in people[: count // 2]]
    # the other half are new people, created by the import
    rows += [
        [
            f"新考生{offset + i}",
            valid_resident_id(birth=dt.date(1940, 1, 1) + dt.timedelta(days=offset + i), serial=i % 1000),
            project.code,
            "65",
            "90",
        ]
        for i in range(count - count // 2)
    ]
    with CaptureQueriesContext(connection) as captured:
        result = run_import(rows, session=session, create_people=True, dry_run=False)
    assert not result.has_errors()
    assert not result.has_validation_errors(), errors_by_row(result)
    assert AssessmentResult.objects.filter(session=session).count() == count
    return [q["sql"] for q in captured.captured_queries]


def test_query_count_of_an_import_does_not_grow_with_its_rows(project):
    small = _queries_to_import(
        100, offset=0, session=AssessmentSessionFactory(projects=[project]), project=project
    )
    large = _queries_to_import(
        1000, offset=5000, session=AssessmentSessionFactory(projects=[project]), project=project
    )

    def reads(queries):
        return [q for q in queries if q.lstrip().upper().startswith("SELECT")]

    # Reads are fixed: people, projects, the session's projects, its existing results, the audit chain's
    # lock and last hash for the import's one event (on SQLite the lock is no query), the sequence reset.
    assert len(reads(large)) == len(reads(small)) <= 7
    if connection.vendor == "postgresql":
        assert len(large) == len(small) <= 20  # 7 reads, 3 inserts, the rest savepoints
    else:
        # SQLite's bulk inserts are split by Django at 999 parameters; that is the only growth.
        inserts = [q for q in large if q.lstrip().upper().startswith("INSERT")]
        assert len(large) - len(inserts) == len(small) - len(
            [q for q in small if q.lstrip().upper().startswith("INSERT")]
        )
