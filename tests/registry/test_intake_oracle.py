"""Issue 11, item 4: adding applicants must not be an oracle for other employers' people.

A self-registered, still unverified employer could add another employer's person's ID number with a guessed
name and learn from the answer whether the name was right ("姓名与系统中该身份证号登记的姓名不一致"), and
which projects that person was assessed in ("以下项目没有有效的考核合格证"). Now: an unverified employer
cannot add applicants at all, and whatever does not match the registry's record (name, assessments,
registration, qualification certificate) gets one and the same answer, whichever part it was.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from people.models import Level, Person
from registry.models import Application
from registry.services.intake import batch_add_applicant, batch_import_rows, batch_rows_problems, sheet_check
from registry.spreadsheets import SheetRow
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
from tests.portal_files import sheet_xlsx as _sheet_bytes


def sheet_xlsx(rows):
    return SimpleUploadedFile("applicants.xlsx", _sheet_bytes(rows))


pytestmark = pytest.mark.django_db

# What the answers used to reveal (the Chinese catalogue's wording of the old messages).
OLD_NAME_MESSAGE = "姓名与系统中该身份证号登记的姓名不一致"
OLD_ASSESSMENT_MESSAGE = "没有有效的考核合格证"
TODAY = dt.date.today()


@pytest.fixture
def projects(db):
    return MetrologyProjectFactory(code="12.901", name="压力表"), MetrologyProjectFactory(code="12.902")


@pytest.fixture
def someone_elses(projects):
    """A person another employer registered, assessed in the first project only."""
    person = PersonFactory(name="李雷", phone="13800000001")
    AssessmentCertificateFactory(person=person, projects=[projects[0]], issued_on=dt.date(2025, 1, 1))
    return person


def _clerk(username, **employer):
    return UserFactory(username=username, role=Role.ENTERPRISE, employer=EmployerFactory(**employer))


def _data(person_name, number, project, **extra):
    data = {
        "kind": "initial",
        "name": person_name,
        "id_number": number,
        "phone": "13904510000",
        "level": "2",
        "qualification_number": "ZJ-ORACLE-1",
        "qualification_date": "2020-06-01",
        "projects": [project.pk],
    }
    data.update(extra)
    return data


def _form_errors(client, batch, data) -> list[str]:
    response = client.post(reverse("portal:applicant_add", args=[batch.pk]), data)
    assert response.status_code == 200, "the form should have been refused"
    return [m for messages in response.context["form"].errors.values() for m in messages]


def test_an_unverified_employer_cannot_add_an_applicant_even_with_every_detail_right(
    client, someone_elses, projects
):
    clerk = _clerk("pending-clerk", pending=True)
    client.force_login(clerk)
    batch = BatchFactory(employer=clerk.employer)

    errors = _form_errors(client, batch, _data(someone_elses.name, someone_elses.id_number, projects[0]))

    assert errors == ["协会尚未核实贵单位，暂不能添加申请人。核实通过后即可添加。"]
    assert not Application.objects.exists()


def test_the_service_refuses_an_unverified_employer_whatever_the_path(someone_elses, projects):
    """The one place: the intake service, for the form, the spreadsheet and its preview."""
    clerk = _clerk("pending-clerk", pending=True)
    batch = BatchFactory(employer=clerk.employer)
    data = {**_data(someone_elses.name, someone_elses.id_number, projects[0]), "projects": [projects[0]]}
    data["level"] = int(data["level"])
    row = SheetRow(
        2,
        someone_elses.name,
        someone_elses.id_number,
        "13904510000",
        2,
        "ZJ-1",
        TODAY,
        ("12.901",),
        "initial",
    )

    with pytest.raises(ValidationError) as by_form:
        batch_add_applicant(batch=batch, data=data, by=clerk)
    with pytest.raises(ValidationError) as by_sheet:
        batch_import_rows(batch=batch, rows=[row], by=clerk)
    preview = batch_rows_problems(batch=batch, rows=[row], on=TODAY)

    assert by_form.value.code == by_sheet.value.code == "employer_not_verified"
    # The preview says only that: no check against the registry ran, so it tells nothing about the row.
    assert [(p.row, p.column) for p in preview] == [(None, None)]
    assert preview[0].message == by_form.value.messages[0]
    assert not Application.objects.exists()


def test_the_pending_employers_batch_page_offers_no_way_to_add_applicants(client):
    clerk = _clerk("pending-clerk", pending=True)
    client.force_login(clerk)
    batch = BatchFactory(employer=clerk.employer)

    page = client.get(reverse("portal:batch_detail", args=[batch.pk])).content.decode()

    assert reverse("portal:applicant_add", args=[batch.pk]) not in page
    assert 'data-testid="cannot-add"' in page


def test_a_wrong_name_missing_assessments_and_an_unknown_number_get_the_same_answer(
    client, someone_elses, projects
):
    clerk = _clerk("clerk-a")
    client.force_login(clerk)
    batch = BatchFactory(employer=clerk.employer)
    first, second = projects
    registered = RegistrationCertificateFactory(level=Level.TWO)
    QualificationCertificateFactory(person=registered.person, number="ZJ-TAKEN", level=Level.TWO)
    AssessmentCertificateFactory(person=registered.person, projects=[first], issued_on=dt.date(2025, 1, 1))

    answers = {
        "wrong name": _form_errors(client, batch, _data("韩梅梅", someone_elses.id_number, first)),
        "project not assessed": _form_errors(client, batch, _data("李雷", someone_elses.id_number, second)),
        "unknown number": _form_errors(client, batch, _data("李雷", valid_resident_id(serial=777), first)),
        "someone else's qualification number": _form_errors(
            client, batch, _data("李雷", someone_elses.id_number, first, qualification_number="ZJ-TAKEN")
        ),
        "already registered elsewhere": _form_errors(
            client, batch, _data(registered.person.name, registered.person.id_number, first)
        ),
    }

    assert len({tuple(a) for a in answers.values()}) == 1, answers
    (message,) = answers["wrong name"]
    assert OLD_NAME_MESSAGE not in message
    assert OLD_ASSESSMENT_MESSAGE not in message
    for revealing in (someone_elses.name, first.code, second.code, registered.person.name):
        assert revealing not in message
    assert not Application.objects.filter(batch=batch).exists()
    assert Person.objects.with_id_number(valid_resident_id(serial=777)).count() == 0


def test_the_spreadsheet_paths_answer_the_same_way(client, someone_elses, projects):
    clerk = _clerk("clerk-a")
    batch = BatchFactory(employer=clerk.employer)
    first, second = projects
    another = PersonFactory(name="王芳")
    AssessmentCertificateFactory(person=another, projects=[first], issued_on=dt.date(2025, 1, 1))
    unknown = valid_resident_id(serial=778)
    tail = ["13904510000", "二级"]
    rows = [
        ["韩梅梅", someone_elses.id_number, *tail, "ZJ-S-1", "2020-06-01", first.code, "初始注册"],
        ["王芳", another.id_number, *tail, "ZJ-S-2", "2020-06-01", second.code, "初始注册"],
        ["李雷", unknown, *tail, "ZJ-S-3", "2020-06-01", first.code, "初始注册"],
    ]
    checked = []
    for part in (rows[:1], rows[1:2], rows[2:]):
        checked += sheet_check(employer=clerk.employer, file=sheet_xlsx(part), on=TODAY).errors
    client.force_login(clerk)
    uploaded = client.post(reverse("portal:sheet_upload", args=[batch.pk]), {"file": sheet_xlsx(rows)})

    assert {(e.column, e.message) for e in checked} == {(None, checked[0].message)}
    assert len(checked) == 3
    page = uploaded.content.decode()
    assert page.count(checked[0].message) == 3
    assert OLD_NAME_MESSAGE not in page
    assert OLD_ASSESSMENT_MESSAGE not in page
    assert not Application.objects.exists()


def test_the_right_details_still_add_the_applicant(client, someone_elses, projects):
    clerk = _clerk("clerk-a")
    client.force_login(clerk)
    batch = BatchFactory(employer=clerk.employer)

    response = client.post(
        reverse("portal:applicant_add", args=[batch.pk]),
        _data(someone_elses.name, someone_elses.id_number, projects[0]),
    )

    application = Application.objects.get(batch=batch)
    assert response.status_code == 302
    assert application.person == someone_elses


def test_the_check_page_refuses_an_unverified_employer_before_reading_the_rows(
    client, someone_elses, projects
):
    clerk = _clerk("pending-clerk", pending=True)
    client.force_login(clerk)
    rows = [
        [
            "韩梅梅",
            someone_elses.id_number,
            "13904510000",
            "二级",
            "ZJ-C-1",
            "2020-06-01",
            "12.902",
            "初始注册",
        ]
    ]

    response = client.post(reverse("portal:sheet_check"), {"file": sheet_xlsx(rows)})

    # The page refuses before the service is asked (registry/views/portal.py); the service refuses too
    # (test_the_service_refuses_an_unverified_employer_whatever_the_path).
    assert response.status_code == 403
    assert response.context["result"] is None
    assert "尚未核实" in response.content.decode()
