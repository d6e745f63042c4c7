"""The rules read only what the candidates need (registry/eligibility.py; issue 13): nothing for no candidate,
no qualification certificates when no candidate is an initial registration of a known person or names a
qualification number; and any iterable of candidates is taken. Query counts, never timings.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Level, QualificationCertificate
from registry.eligibility import Candidate, eligibility_problems
from registry.workflow import ApplicationKind
from tests.factories import PersonFactory
from tests.registry.test_eligibility_paths import DAY, World, certificate_of
from tests.registry.test_eligibility_paths import world as world  # the fixture

pytestmark = pytest.mark.django_db

K = ApplicationKind


def _reads(table: str, candidates: list[Candidate]) -> int:
    eligibility_problems(candidates, on=DAY)  # the calendar and the project catalogue are loaded
    with CaptureQueriesContext(connection) as captured:
        eligibility_problems(candidates, on=DAY)
    return sum(1 for q in captured.captured_queries if f'FROM "{table}"' in q["sql"])


def test_no_candidates_no_queries(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert eligibility_problems([], on=DAY) == []


def test_any_iterable_of_candidates_is_judged(world):
    target = certificate_of(world, person=world.other_person)
    candidates = (
        Candidate(
            row=row,
            kind=K.CANCELLATION,
            level=Level.TWO,
            employer=world.employer,
            person_id=world.person.pk,
            target_certificate_id=target.pk,
        )
        for row in (2, 3)
    )
    assert [(p.row, p.code) for p in eligibility_problems(candidates, on=DAY)] == [
        (2, "certificate_of_other_person"),
        (3, "duplicate_person"),
        (3, "certificate_of_other_person"),
    ]


def _cancellation(w: World, row: int = 2) -> Candidate:
    return Candidate(
        row=row,
        kind=K.CANCELLATION,
        level=Level.TWO,
        employer=w.employer,
        id_number=w.person.id_number,
        name=w.person.name,
        target_certificate_id=certificate_of(w).pk,
    )


QUALIFICATIONS = QualificationCertificate._meta.db_table


def test_changes_renewals_and_cancellations_read_no_qualification_certificates(world):
    """Only an initial registration needs the qualification (pilot plan)."""
    assert _reads(QUALIFICATIONS, [_cancellation(world)]) == 0


def test_an_initial_registration_of_someone_not_on_record_without_a_number_reads_no_qualifications(world):
    """Nobody to look up by person, no number to look up: nothing to read (the problem is still said)."""
    stranger = PersonFactory.build()
    candidate = Candidate(
        row=2,
        kind=K.INITIAL,
        level=Level.TWO,
        employer=world.employer,
        id_number=stranger.id_number,
        name=stranger.name,
        project_codes=(world.assessed.code,),
    )
    assert _reads(QUALIFICATIONS, [candidate]) == 0
    assert "no_qualification" in {p.code for p in eligibility_problems([candidate], on=DAY)}


def test_an_initial_registration_on_record_reads_the_qualifications_once(world):
    candidate = Candidate(
        row=2,
        kind=K.INITIAL,
        level=Level.TWO,
        employer=world.employer,
        person_id=world.person.pk,
        project_codes=(world.assessed.code,),
    )
    assert _reads(QUALIFICATIONS, [candidate, _cancellation(world, row=3)]) == 1


@pytest.mark.parametrize(
    ("how", "field"),
    [
        ("the form names no certificate", "target_certificate"),
        ("a spreadsheet row leaves the number out and none is held", "kind"),
    ],
)
def test_no_certificate_is_said_of_the_field_the_clerk_can_change(world, how, field):
    """The form's clerk picks a certificate (its field); the spreadsheet's clerk changes the kind, since
    the employer holds no certificate for the person to act on."""
    candidate = Candidate(
        row=2,
        kind=K.RENEWAL,
        level=Level.TWO,
        employer=world.employer,
        person_id=world.person.pk,
        target_from_holder=how.startswith("a spreadsheet"),
    )
    assert [(p.field, p.code) for p in eligibility_problems([candidate], on=DAY)] == [
        (field, "no_certificate")
    ]
