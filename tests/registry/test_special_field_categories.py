"""Issue 14, item 11: the special-field categories of JJF 1022—2014 are seeded beside the ten general ones,
so a project outside the general ten can be assessed and registered."""

import pytest
from django.core.exceptions import ValidationError

from exams.models import MetrologyCategory, MetrologyProject
from registry.models import RegistrationCertificate
from registry.services import applications as services
from registry.workflow import ApplicationKind, ApplicationState
from tests.factories import (
    ApplicationFactory,
    AssessmentCertificateFactory,
    QualificationCertificateFactory,
)
from tests.registry.conftest import attach_required

pytestmark = pytest.mark.django_db

GENERAL = {"01", "04", "12", "15", "23", "25", "28", "33", "37", "46"}
SPECIAL_FIELDS = {
    "51": "纺织",
    "53": "铁路",
    "55": "气象",
    "57": "海洋",
    "59": "邮电",
    "61": "交通运输",
    "63": "建材",
    "65": "农林牧渔",
}


def test_the_special_field_categories_of_jjf_1022_are_seeded_beside_the_general_ten():
    seeded = dict(MetrologyCategory.objects.values_list("code", "name"))
    assert set(seeded) >= GENERAL
    assert {code: seeded.get(code) for code in SPECIAL_FIELDS} == SPECIAL_FIELDS


def test_a_project_in_a_special_field_category_can_be_registered(monday, association_user, second_reviewer):
    railway = MetrologyCategory.objects.get(code="53")
    project = MetrologyProject(code="53.01", name="铁路轨距尺", category=railway)
    project.full_clean()  # the code begins with its category's code
    project.save()
    application = ApplicationFactory(kind=ApplicationKind.INITIAL, level=2, projects=[project])
    QualificationCertificateFactory(person=application.person, level=2)
    AssessmentCertificateFactory(person=application.person, projects=[project])
    attach_required(application)

    services.application_submit(application=application, by=association_user)
    services.application_accept(application=application, by=association_user)
    services.application_approve(application=application, by=second_reviewer)
    issued = services.application_issue(application=application, by=association_user)

    assert issued.state == ApplicationState.ISSUED
    certificate = RegistrationCertificate.objects.get(application=application)
    assert list(certificate.projects.values_list("code", flat=True)) == ["53.01"]


def test_a_special_field_project_without_its_assessment_certificate_is_still_refused(
    monday, association_user
):
    project = MetrologyProject.objects.create(
        code="55.01", name="自动气象站", category=MetrologyCategory.objects.get(code="55")
    )
    application = ApplicationFactory(kind=ApplicationKind.INITIAL, level=2, projects=[project])
    QualificationCertificateFactory(person=application.person, level=2)
    attach_required(application)
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(application=application, by=association_user)
    assert {e.code for e in excinfo.value.error_list} == {"not_ready"}
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
