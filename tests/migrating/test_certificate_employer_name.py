"""registry 0020's fill: each existing certificate gets the employer's name on its issue date, in one
statement (it was a Python loop with one UPDATE per certificate: an hour at national scale)."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import EmployerNameChange
from registry.models import RegistrationCertificate
from tests.factories import EmployerFactory, RegistrationCertificateFactory

pytestmark = pytest.mark.django_db

fill = importlib.import_module("registry.migrations.0020_certificate_employer_name").fill


def test_each_certificate_gets_the_name_its_employer_had_on_the_issue_day():
    renamed = EmployerFactory(name="丙精密仪器有限公司")
    EmployerNameChange.objects.create(
        employer=renamed, old_name="甲仪表厂", new_name="乙仪器有限公司", changed_on=dt.date(2024, 3, 1)
    )
    EmployerNameChange.objects.create(
        employer=renamed,
        old_name="乙仪器有限公司",
        new_name="丙精密仪器有限公司",
        changed_on=dt.date(2025, 6, 1),
    )
    plain = EmployerFactory(name="松花江计量检测有限公司")
    issued = {
        "甲仪表厂": (renamed, dt.date(2024, 1, 10)),
        "乙仪器有限公司": (renamed, dt.date(2024, 3, 1)),  # the rename day itself: the new name applies
        "丙精密仪器有限公司": (renamed, dt.date(2025, 7, 1)),
        "松花江计量检测有限公司": (plain, dt.date(2024, 1, 10)),
    }
    certificates = {
        name: RegistrationCertificateFactory(
            application__employer=employer, employer=employer, issued_on=day, employer_name=""
        ).pk
        for name, (employer, day) in issued.items()
    }
    RegistrationCertificate.objects.update(employer_name="")

    with CaptureQueriesContext(connection) as queries:
        fill(apps, SimpleNamespace(connection=connection))  # all the function reads of its schema editor

    assert len(queries) == 1  # one statement whatever the number of certificates
    stored = dict(RegistrationCertificate.objects.values_list("pk", "employer_name"))
    assert {name: stored[pk] for name, pk in certificates.items()} == {name: name for name in issued}
