"""Issue 14, item 10: an application for two projects needs the copy of EACH project's assessment
certificate (pilot plan: 申请注册计量专业项目的考核合格证及复印件), not one copy for all.

The case: two projects, one copy uploaded → one missing item naming the other project; submission refused
until both are there. Copies name their project: in the service, the portal's upload and the admin's.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from people.models import Level
from registry.materials import REQUIRED_MATERIALS, MaterialKind, describe_missing, project_copy_key
from registry.models import Material
from registry.selectors import application_missing_materials
from registry.services.applications import application_submit
from registry.services.materials import material_attach
from registry.workflow import ApplicationState
from tests.factories import (
    ApplicationFactory,
    BatchFactory,
    PersonFactory,
    QualificationCertificateFactory,
    UserFactory,
)
from tests.factories.exams import AssessmentCertificateFactory, MetrologyProjectFactory
from tests.portal_files import pdf_bytes

pytestmark = pytest.mark.django_db
A = MaterialKind.ASSESSMENT_CERTIFICATE


@pytest.fixture
def two_projects(monday):
    """A draft initial application for 压力表 and 天平, eligible, with every material but the copies."""
    person = PersonFactory(name="赵敏")
    QualificationCertificateFactory(person=person, level=Level.TWO)
    pressure = MetrologyProjectFactory(code="12.901", name="压力表")
    balance = MetrologyProjectFactory(code="12.902", name="天平")
    AssessmentCertificateFactory(person=person, projects=[pressure, balance], issued_on=dt.date(2025, 1, 1))
    application = ApplicationFactory(person=person, level=Level.TWO, projects=[pressure, balance])
    application.batch = BatchFactory(employer=application.employer)
    application.save()
    for kind, count in REQUIRED_MATERIALS[application.kind].items():
        if kind != A:
            for i in range(count):
                material_attach(
                    application=application, kind=kind, file=ContentFile(b"x", name=f"{kind}{i}.pdf"), by=None
                )
    return application, pressure, balance


def _copy(application, project):
    return material_attach(
        application=application,
        kind=A,
        file=ContentFile(b"c", name=f"{project.code}.pdf"),
        by=None,
        project=project,
    )


def test_one_copy_for_two_projects_leaves_the_other_project_missing(two_projects, association_user):
    application, pressure, balance = two_projects
    assert application_missing_materials(application=application) == {
        project_copy_key("12.901 压力表"): 1,
        project_copy_key("12.902 天平"): 1,
    }
    _copy(application, pressure)
    missing = application_missing_materials(application=application)
    assert missing == {project_copy_key("12.902 天平"): 1}
    (line,) = describe_missing(missing)
    assert "12.902 天平" in line
    assert "12.901" not in line

    with pytest.raises(ValidationError) as excinfo:
        application_submit(application=application, by=association_user)
    assert {e.code for e in excinfo.value.error_list} == {"not_ready"}
    assert any("12.902 天平" in m for m in excinfo.value.messages)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT

    _copy(application, balance)
    assert application_missing_materials(application=application) == {}
    assert (
        application_submit(application=application, by=association_user).state == ApplicationState.SUBMITTED
    )


def test_two_copies_of_the_same_project_do_not_count_for_the_other(two_projects):
    application, pressure, _balance = two_projects
    _copy(application, pressure)
    _copy(application, pressure)
    assert application_missing_materials(application=application) == {project_copy_key("12.902 天平"): 1}


def test_a_copy_must_name_one_of_the_projects_applied_for(two_projects):
    application, _pressure, _balance = two_projects
    with pytest.raises(ValidationError) as unnamed:
        material_attach(application=application, kind=A, file=ContentFile(b"c", name="c.pdf"), by=None)
    assert unnamed.value.code == "project_required"
    other = MetrologyProjectFactory(code="15.901", name="电能表")
    with pytest.raises(ValidationError) as foreign:
        _copy(application, other)
    assert foreign.value.code == "project_not_applied_for"
    with pytest.raises(ValidationError) as not_a_copy:
        material_attach(
            application=application,
            kind=MaterialKind.PHOTO,
            file=ContentFile(b"p", name="p.png"),
            by=None,
            project=other,
        )
    assert not_a_copy.value.code == "project_not_for_kind"
    assert not Material.objects.filter(application=application, kind=A).exists()


def test_a_single_project_copy_names_its_project_by_itself(monday):
    project = MetrologyProjectFactory(code="12.903", name="温度计")
    application = ApplicationFactory(projects=[project])
    material = material_attach(application=application, kind=A, file=ContentFile(b"c", name="c.pdf"), by=None)
    assert material.project == project
    assert A not in application_missing_materials(application=application)
    assert project_copy_key("12.903 温度计") not in application_missing_materials(application=application)


def test_an_older_unnamed_copy_still_counts_for_a_single_project_only(two_projects, monday):
    application, _pressure, _balance = two_projects
    Material.objects.create(application=application, kind=A, file="old.pdf", checksum="0" * 64)
    assert len(application_missing_materials(application=application)) == 2
    single = ApplicationFactory(projects=[MetrologyProjectFactory(code="12.904", name="流量计")])
    Material.objects.create(application=single, kind=A, file="old.pdf", checksum="0" * 64)
    assert A not in str(application_missing_materials(application=single))


def test_the_portal_names_the_project_of_an_uploaded_copy_and_lists_what_is_missing(two_projects, client):
    application, pressure, _balance = two_projects
    clerk = UserFactory(username="clerk-copies", role=Role.ENTERPRISE, employer=application.employer)
    client.force_login(clerk)
    page = client.get(reverse("portal:application_detail", args=[application.pk]))
    assert "project" in page.context["material_form"].fields
    response = client.post(
        reverse("portal:material_upload", args=[application.pk]),
        {"kind": A, "project": pressure.pk, "file": SimpleUploadedFile("copy.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    assert Material.objects.get(application=application, kind=A).project == pressure
    page = client.get(reverse("portal:application_detail", args=[application.pk]))
    missing = page.context["missing"]
    assert len(missing) == 1
    assert "12.902 天平" in missing[0]
    rows = {
        str(row["label"]): row["have"] for row in page.context["checklist"] if "12.90" in str(row["label"])
    }
    assert sorted(rows.values()) == [0, 1]


def test_the_admin_attaches_a_copy_to_its_project(two_projects, client, association_user):
    application, _pressure, balance = two_projects
    client.force_login(association_user)
    client.post(
        reverse("admin:registry_application_attach", args=[application.pk]),
        {"kind": A, "project": balance.pk, "file": SimpleUploadedFile("copy.pdf", pdf_bytes())},
    )
    assert Material.objects.get(application=application, kind=A).project == balance
    page = client.get(reverse("admin:registry_application_change", args=[application.pk])).content.decode()
    assert "12.901 压力表" in page  # still missing, named
