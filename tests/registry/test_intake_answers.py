"""How the intake tells a clerk what the rules found (registry/services/intake.py, issue 13):

- a problem of the employer or of the day (the pilot window, an authorised verification institution) is
  told once for the whole file, not once per row;
- the same person twice in one check is named on the later row, pointing at the first.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from people.models import Level
from registry.eligibility import Candidate, eligibility_problems
from registry.services.intake import sheet_check
from registry.spreadsheets import LEVEL_LABELS
from registry.workflow import ApplicationKind
from tests.factories import EmployerFactory, PersonFactory, QualificationCertificateFactory
from tests.factories.exams import AssessmentCertificateFactory
from tests.portal_files import sheet_xlsx
from tests.registry.test_eligibility_paths import DAY, World
from tests.registry.test_eligibility_paths import world as world  # the fixture

pytestmark = pytest.mark.django_db


def _initial_row(person, *, qualification: str, project: str) -> list:
    return [
        person.name,
        person.id_number,
        "13904510000",
        LEVEL_LABELS[Level.TWO],
        qualification,
        "2020-06-01" if qualification else "",
        project,
        ApplicationKind.INITIAL.sheet_label,
        "",
    ]


def _qualified(w: World, number: str):
    person = PersonFactory()
    QualificationCertificateFactory(person=person, level=Level.TWO, number=number)
    AssessmentCertificateFactory(person=person, projects=[w.assessed])
    return person


def _errors(employer, rows: list[list]) -> list[tuple[int | None, str, tuple[str, ...]]]:
    file = SimpleUploadedFile("rows.xlsx", sheet_xlsx(rows))
    return [(e.row, e.message, e.codes) for e in sheet_check(employer=employer, file=file, on=DAY).errors]


def _clean_rows(w: World) -> list[list]:
    return [
        _initial_row(_qualified(w, f"ZJ-{i}"), qualification=f"ZJ-{i}", project=w.assessed.code)
        for i in range(3)
    ]


def test_two_clean_rows_have_no_problem(world):
    """The baseline of the cases below: the rows themselves are in order."""
    assert _errors(world.employer, _clean_rows(world)) == []


def test_the_pilot_window_closed_is_told_once_for_the_whole_file(world):
    rows = _clean_rows(world)
    with override_settings(REGISTRY_PILOT_START=DAY.replace(year=DAY.year + 1)):
        errors = _errors(world.employer, rows)
    assert [(row, codes) for row, _message, codes in errors] == [(None, ("pilot_window_closed",))]


def test_a_verification_institutions_staff_are_refused_once_for_the_whole_file(world):
    institution = EmployerFactory(verification_institution=True)
    errors = _errors(institution, _clean_rows(world))
    assert [(row, codes) for row, _message, codes in errors] == [(None, ("verification_institution",))]


def test_the_same_person_twice_in_one_check_is_named_on_the_later_row(world):
    """The spreadsheet's parser already refuses a repeated ID number; the rules say it too, to any caller
    that hands them the same person twice, by identity or by record."""
    person = _qualified(world, "ZJ-TWICE")

    def candidate(row: int, **who) -> Candidate:
        return Candidate(
            row=row,
            kind=ApplicationKind.INITIAL,
            level=Level.TWO,
            employer=world.employer,
            project_codes=(world.assessed.code,),
            qualification_number="ZJ-TWICE",
            **who,
        )

    by_identity = {"id_number": person.id_number, "name": person.name}
    problems = eligibility_problems(
        [
            candidate(2, **by_identity),
            candidate(3, id_number=world.other_person.id_number, name=world.other_person.name),
            candidate(5, **by_identity),
            candidate(6, person_id=person.pk),
        ],
        on=DAY,
    )
    duplicates = [(p.row, p.field, p.message) for p in problems if p.code == "duplicate_person"]
    assert [(row, field) for row, field, _message in duplicates] == [(5, "id_number"), (6, "id_number")]
    assert all("2" in message for _row, _field, message in duplicates)
