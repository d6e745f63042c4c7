"""Eligibility of an initial registration against real assessment certificates (the exams selector)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.services import applications as services
from registry.workflow import ApplicationKind, ApplicationState
from tests.factories import (
    ApplicationFactory,
    AssessmentCertificateFactory,
    MetrologyProjectFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
)
from tests.registry.conftest import attach_required

pytestmark = pytest.mark.django_db


def _initial(*projects, level=2):
    application = ApplicationFactory(kind=ApplicationKind.INITIAL, level=level, projects=list(projects))
    QualificationCertificateFactory(person=application.person, level=level)
    attach_required(application)
    return application


def test_a_valid_assessment_certificate_for_every_project_lets_the_initial_application_through(
    monday, association_user
):
    pressure, mass = MetrologyProjectFactory(), MetrologyProjectFactory()
    application = _initial(pressure, mass)
    AssessmentCertificateFactory(person=application.person, projects=[pressure, mass])
    result = services.application_submit(application=application, by=association_user)
    assert result.state == ApplicationState.SUBMITTED


def test_a_project_without_assessment_is_named_in_the_refusal(monday, association_user):
    pressure, mass = MetrologyProjectFactory(name="压力表"), MetrologyProjectFactory(name="天平")
    application = _initial(pressure, mass)
    AssessmentCertificateFactory(person=application.person, projects=[pressure])
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(application=application, by=association_user)
    text = " ".join(excinfo.value.messages)
    assert "天平" in text
    assert "压力表" not in text
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_a_revoked_assessment_certificate_does_not_count(monday, association_user):
    project = MetrologyProjectFactory()
    application = _initial(project)
    AssessmentCertificateFactory(person=application.person, projects=[project], revoked=True)
    with pytest.raises(ValidationError):
        services.application_submit(application=application, by=association_user)


def test_someone_elses_assessment_certificate_does_not_count(monday, association_user):
    project = MetrologyProjectFactory()
    application = _initial(project)
    AssessmentCertificateFactory(projects=[project])  # another person
    with pytest.raises(ValidationError):
        services.application_submit(application=application, by=association_user)


def test_qualification_of_the_other_level_is_not_enough(monday, association_user):
    project = MetrologyProjectFactory()
    application = ApplicationFactory(kind=ApplicationKind.INITIAL, level=1, projects=[project])
    QualificationCertificateFactory(person=application.person, level=2)
    AssessmentCertificateFactory(person=application.person, projects=[project])
    attach_required(application)
    with pytest.raises(ValidationError, match=r"资格证书|qualification"):
        services.application_submit(application=application, by=association_user)


def test_approval_refuses_when_the_assessment_was_revoked_meanwhile(
    monday, association_user, second_reviewer
):
    project = MetrologyProjectFactory()
    application = _initial(project)
    certificate = AssessmentCertificateFactory(person=application.person, projects=[project])
    services.application_submit(application=application, by=association_user)
    services.application_accept(application=application, by=association_user)
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = "考核材料造假"
    certificate.save()
    with pytest.raises(ValidationError) as excinfo:
        services.application_approve(application=application, by=second_reviewer)
    assert {e.code for e in excinfo.value.error_list} == {"not_eligible"}


def test_change_of_specialty_needs_assessment_only_for_the_added_project(monday, association_user):
    old_project, new_project = MetrologyProjectFactory(), MetrologyProjectFactory()
    registration = RegistrationCertificateFactory(projects=[old_project])
    QualificationCertificateFactory(person=registration.person, level=registration.level)
    application = ApplicationFactory(
        kind=ApplicationKind.CHANGE_SPECIALTY,
        person=registration.person,
        employer=registration.employer,
        level=registration.level,
        target_certificate=registration,
        projects=[new_project],
    )
    attach_required(application)
    with pytest.raises(ValidationError):
        services.application_submit(application=application, by=association_user)
    AssessmentCertificateFactory(person=registration.person, projects=[new_project])
    assert services.application_submit(application=application, by=association_user).state == "submitted"
