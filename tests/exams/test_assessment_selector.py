"""The selector the registry calls: which projects a person holds a valid assessment certificate for."""

import datetime as dt

import pytest

from exams.selectors import projects_with_valid_assessment_for_people
from tests.factories import (
    AssessmentCertificateFactory,
    MetrologyProjectFactory,
    PersonFactory,
    RecognisedCertificateFactory,
    VerifierCertificateFactory,
)

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 1)


def _held(person_id, on):
    """The projects one person holds a valid assessment for (the set-based selector, for one person)."""
    return projects_with_valid_assessment_for_people(person_ids=[person_id], on=on).get(
        person_id, frozenset()
    )


@pytest.fixture
def projects():
    return MetrologyProjectFactory.create_batch(6)


def test_counts_all_three_sources(projects):
    person = PersonFactory()
    AssessmentCertificateFactory(person=person, projects=[projects[0], projects[1]])
    RecognisedCertificateFactory(person=person, projects=[projects[2]], checked=True)
    VerifierCertificateFactory(person=person, projects=[projects[3]], checked=True)

    assert _held(person.pk, ON) == {p.pk for p in projects[:4]}


def test_unchecked_certificates_from_elsewhere_do_not_count(projects):
    person = PersonFactory()
    RecognisedCertificateFactory(person=person, projects=[projects[0]])
    VerifierCertificateFactory(person=person, projects=[projects[1]])

    assert _held(person.pk, ON) == frozenset()


def test_revoked_certificates_of_any_source_do_not_count(projects):
    person = PersonFactory()
    AssessmentCertificateFactory(person=person, projects=[projects[0]], revoked=True)
    RecognisedCertificateFactory(
        person=person, projects=[projects[1]], checked=True, revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    VerifierCertificateFactory(
        person=person, projects=[projects[2]], checked=True, revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    AssessmentCertificateFactory(person=person, projects=[projects[3]])

    assert _held(person.pk, ON) == {projects[3].pk}


def test_validity_window_is_respected(projects):
    person = PersonFactory()
    VerifierCertificateFactory(
        person=person, projects=[projects[0]], checked=True, valid_until=ON - dt.timedelta(days=1)
    )
    VerifierCertificateFactory(person=person, projects=[projects[1]], checked=True, valid_until=ON)
    AssessmentCertificateFactory(person=person, projects=[projects[2]], issued_on=ON + dt.timedelta(days=1))

    assert _held(person.pk, ON) == {projects[1].pk}
    assert _held(person.pk, ON + dt.timedelta(days=1)) == {projects[2].pk}


def test_other_peoples_certificates_do_not_count(projects):
    holder, other = PersonFactory(), PersonFactory()
    AssessmentCertificateFactory(person=holder, projects=[projects[0]])

    result = projects_with_valid_assessment_for_people(person_ids=[holder.pk, other.pk], on=ON)

    assert result == {holder.pk: frozenset({projects[0].pk}), other.pk: frozenset()}


def test_no_people_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert projects_with_valid_assessment_for_people(person_ids=[], on=ON) == {}


@pytest.mark.parametrize("people", [3, 60])
def test_bulk_selector_runs_one_query_whatever_the_number_of_people(
    projects, people, django_assert_num_queries
):
    persons = PersonFactory.create_batch(people)
    for i, person in enumerate(persons):
        AssessmentCertificateFactory(person=person, projects=[projects[i % 6]])
        RecognisedCertificateFactory(person=person, projects=[projects[(i + 1) % 6]], checked=True)
        VerifierCertificateFactory(person=person, projects=[projects[(i + 2) % 6]], checked=True)

    with django_assert_num_queries(1):
        result = projects_with_valid_assessment_for_people(person_ids=[p.pk for p in persons], on=ON)

    assert len(result) == people
    assert all(len(found) == 3 for found in result.values())
