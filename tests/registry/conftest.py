import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile

from accounts.roles import Role
from people.models import EmployerNameChange
from registry.materials import REQUIRED_MATERIALS, MaterialKind
from registry.services.materials import material_attach
from registry.workflow import ApplicationKind
from tests.factories import (
    ApplicationFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A plain week: Monday 2 March 2026, no holiday in the ten working days around it.
MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def monday():
    with time_machine.travel(at(MONDAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="assoc2", role=Role.ASSOCIATION)


def attach_required(application, *, by=None) -> None:
    """Every material the application's kind needs, as small files: an assessment certificate copy per
    project applied for (or one, when it names none)."""
    projects = list(application.projects.all())
    for kind, count in REQUIRED_MATERIALS[application.kind].items():
        if kind == MaterialKind.ASSESSMENT_CERTIFICATE and projects:
            for project in projects:
                material_attach(
                    application=application,
                    kind=kind,
                    file=ContentFile(project.code.encode(), name=f"{kind}-{project.code}.pdf"),
                    by=by,
                    project=project,
                )
            continue
        for i in range(count):
            material_attach(
                application=application, kind=kind, file=ContentFile(b"%d" % i, name=f"{kind}-{i}.pdf"), by=by
            )


def ready_rename_application(*, submitted: bool = False, **kwargs):
    """A draft change-of-employer-name application that may be submitted: a valid certificate, the
    qualification of its level, the employer's renaming on record since the certificate was issued, every
    material (needs no assessment certificate). With submitted=True, submitted through the service by an
    enterprise clerk."""
    certificate = RegistrationCertificateFactory()
    QualificationCertificateFactory(person=certificate.person, level=certificate.level)
    EmployerNameChange.objects.create(
        employer=certificate.employer,
        old_name=f"{certificate.employer.name}（旧名）",
        new_name=certificate.employer.name,
        changed_on=certificate.issued_on,
    )
    application = ApplicationFactory(
        kind=ApplicationKind.CHANGE_EMPLOYER_NAME,
        person=certificate.person,
        employer=certificate.employer,
        level=certificate.level,
        target_certificate=certificate,
        **kwargs,
    )
    attach_required(application)
    if submitted:
        from registry.services.applications import application_submit

        clerk = UserFactory(role=Role.ENTERPRISE, employer=application.employer)
        application = application_submit(application=application, by=clerk)
    return application
