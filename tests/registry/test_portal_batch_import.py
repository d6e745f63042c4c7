"""Saving a checked spreadsheet into a batch: all or nothing, scoped, in bounded queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from people.models import Person, QualificationCertificate
from registry.models import Application, AuditEntry
from registry.services.intake import RowsRejected, batch_import_rows
from registry.spreadsheets import SheetRow, record_mismatch_message
from tests.factories import (
    BatchFactory,
    EmployerFactory,
    PersonFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
    valid_resident_id,
)
from tests.factories.exams import AssessmentCertificateFactory, MetrologyProjectFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def _rows(n: int, *, start: int = 0, codes=("12.901",)) -> list[SheetRow]:
    return [
        SheetRow(
            row=i + 2,
            name=f"申请人{i}",
            id_number=valid_resident_id(
                birth=dt.date(1960, 1, 1) + dt.timedelta(days=start + i), serial=(start + i) % 1000
            ),
            phone="13904510000",
            level=2,
            qualification_number=f"ZJ-IMPORT-{start + i:06d}",
            qualification_date=dt.date(2020, 6, 1),
            project_codes=tuple(codes),
            kind="initial",
        )
        for i in range(n)
    ]


def _assessed(rows, project) -> None:
    """Every row's person already on record with a passed assessment (as exams would have them)."""
    for row in rows:
        person = PersonFactory(id_number=row.id_number, name=row.name)
        AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk-import", role=Role.ENTERPRISE, employer=EmployerFactory())


@pytest.fixture
def project(db):
    return MetrologyProjectFactory(code="12.901")


def test_rows_become_drafts_of_the_batch_employer_with_projects_and_audit(clerk, project, workday_calendar):
    batch = BatchFactory(employer=clerk.employer)
    rows = _rows(3)
    _assessed(rows, project)
    saved = batch_import_rows(batch=batch, rows=rows, by=clerk, on=TODAY)
    assert len(saved) == 3
    applications = Application.objects.filter(batch=batch)
    assert {a.state for a in applications} == {"draft"}
    assert {a.employer_id for a in applications} == {clerk.employer_id}
    assert all(list(a.projects.all()) == [project] for a in applications)
    assert AuditEntry.objects.filter(application__batch=batch, transition="create", by=clerk).count() == 3
    assert QualificationCertificate.objects.filter(number__startswith="ZJ-IMPORT-").count() == 3


def test_a_person_on_record_is_reused_and_left_unchanged(clerk, project, workday_calendar):
    batch = BatchFactory(employer=clerk.employer)
    rows = _rows(1)
    _assessed(rows, project)
    Person.objects.with_id_number(rows[0].id_number).update(phone="13800000000")  # another employer's
    batch_import_rows(batch=batch, rows=rows, by=clerk, on=TODAY)
    person = Person.objects.with_id_number(rows[0].id_number).get()
    assert person.phone == "13800000000"
    assert Application.objects.get(batch=batch).person == person


def test_any_problem_saves_nothing(clerk, project, workday_calendar):
    batch = BatchFactory(employer=clerk.employer)
    rows = _rows(5)
    _assessed(rows[:4], project)  # the fifth has no assessment
    with pytest.raises(RowsRejected) as rejected:
        batch_import_rows(batch=batch, rows=rows, by=clerk, on=TODAY)
    assert [p.row for p in rejected.value.problems] == [6]
    assert "考核合格证" in rejected.value.problems[0].message
    assert not Application.objects.filter(batch=batch).exists()
    assert not QualificationCertificate.objects.filter(number__startswith="ZJ-IMPORT-").exists()


def test_a_row_cannot_touch_another_employers_certificate_or_people(clerk, project, workday_calendar):
    """A cancellation row for someone registered through another employer is refused, and the other
    employer's person and certificate are left as they were."""
    other_certificate = RegistrationCertificateFactory()
    QualificationCertificateFactory(person=other_certificate.person, level=other_certificate.level)
    person = other_certificate.person
    row = SheetRow(
        row=2,
        name=person.name,
        id_number=person.id_number,
        phone="13911112222",
        level=other_certificate.level,
        qualification_number="",
        qualification_date=None,
        project_codes=(),
        kind="cancellation",
    )
    batch = BatchFactory(employer=clerk.employer)
    with pytest.raises(RowsRejected) as rejected:
        batch_import_rows(batch=batch, rows=[row], by=clerk, on=dt.date.today())
    assert [(p.row, p.column) for p in rejected.value.problems] == [(2, "申请类型")]
    person.refresh_from_db()
    assert person.phone != "13911112222"
    assert not Application.objects.filter(batch=batch).exists()
    assert other_certificate.applications.count() == 0


def test_a_renamed_person_is_refused_by_the_name_on_record(clerk, project, workday_calendar):
    batch = BatchFactory(employer=clerk.employer)
    rows = _rows(1)
    _assessed(rows, project)
    Person.objects.with_id_number(rows[0].id_number).update(name="别人")
    with pytest.raises(RowsRejected) as rejected:
        batch_import_rows(batch=batch, rows=rows, by=clerk, on=TODAY)
    assert [(p.column, p.message) for p in rejected.value.problems] == [(None, record_mismatch_message())]
    assert Person.objects.with_id_number(rows[0].id_number).get().name == "别人"


def test_the_same_person_twice_or_already_in_progress_is_refused(clerk, project, workday_calendar):
    batch = BatchFactory(employer=clerk.employer)
    rows = _rows(1)
    _assessed(rows, project)
    batch_import_rows(batch=batch, rows=rows, by=clerk, on=TODAY)
    with pytest.raises(RowsRejected) as rejected:
        batch_import_rows(batch=batch, rows=rows, by=clerk, on=TODAY)
    assert any("SQ" in p.message for p in rejected.value.problems)
    assert Application.objects.filter(batch=batch).count() == 1


def _count(rows, batch, clerk) -> int:
    with CaptureQueriesContext(connection) as queries:
        batch_import_rows(batch=batch, rows=rows, by=clerk, on=TODAY)
    return len(queries)


def _insert_statements(n: int) -> int:
    """How many INSERT statements the backend splits the save of `n` rows into (one project each).

    PostgreSQL: one per table. SQLite caps a statement at 999 parameters, so Django splits there; the
    other queries are the same for any number of rows."""
    from registry.models import Application as A

    total = 0
    for model in (A, QualificationCertificate, A.projects.through, AuditEntry):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        total += -(-n // connection.ops.bulk_batch_size(fields, [None] * n))
    return total


def test_saving_1000_rows_takes_no_more_queries_than_100_beyond_the_backends_insert_chunks(
    clerk, project, workday_calendar
):
    small, large = _rows(100, start=0), _rows(1000, start=2000)
    for rows in (small, large):
        # People known, with assessments, in two bulk statements (not through factories: 2,200 rows).
        Person.objects.bulk_create([Person(name=r.name, id_number=r.id_number) for r in rows])
    from exams.models import AssessmentCertificate

    issuer = UserFactory(username="centre-import", role=Role.TRAINING_CENTRE)
    people = Person.objects.with_id_numbers(r.id_number for r in small + large)
    certificates = AssessmentCertificate.objects.bulk_create(
        [
            AssessmentCertificate(
                person=p, number=f"KH-{p.pk:07d}", issued_on=dt.date(2025, 1, 1), issued_by=issuer
            )
            for p in people
        ]
    )
    Through = AssessmentCertificate.projects.through
    Through.objects.bulk_create(
        [Through(assessmentcertificate_id=c.pk, metrologyproject_id=project.pk) for c in certificates]
    )

    q_small = _count(small, BatchFactory(employer=clerk.employer), clerk)
    q_large = _count(large, BatchFactory(employer=clerk.employer), clerk)
    assert Application.objects.filter(employer=clerk.employer).count() == 1100
    print(f"queries: 100 rows {q_small}, 1000 rows {q_large}")
    assert q_small <= 25
    assert q_large - q_small == _insert_statements(1000) - _insert_statements(100)
    if connection.vendor == "postgresql":
        assert q_large == q_small
