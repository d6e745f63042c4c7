"""Free text people type: one set of validators (registry/text.py) used by forms, spreadsheets and the admin
(issue 11 item 9 d and e).

Before the fix the portal's applicant form accepted `=HYPERLINK(...)` as a name that the spreadsheet path
refused, and bidi override characters (U+202E and friends) were stored in titles.
"""

import datetime as dt

import pytest
import tablib
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from common.text import FORMULA_MESSAGE, INVISIBLE_MESSAGE, invisible_characters, looks_like_formula
from exams.models import AssessmentResult
from exams.resources import ResultResource
from people.models import Employer, Person
from registry.models import Application, Batch
from registry.spreadsheets import parse_sheet
from tests.factories import (
    ApplicationFactory,
    AssessmentSessionFactory,
    BatchFactory,
    EmployerFactory,
    MetrologyProjectFactory,
    PersonFactory,
    UserFactory,
    valid_resident_id,
)
from tests.factories.exams import AssessmentCertificateFactory
from tests.registry.test_spreadsheets import csv_file, row

pytestmark = pytest.mark.django_db

REFUSED = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u200e", "\u200f", "\u061c",  # marks
    "\u200b", "\u2060", "\ufeff", "\u00ad",  # zero-width and invisible
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b",  # C0, DEL, C1
    "\u2028", "\u2029",  # line and paragraph separators
]  # fmt: skip


@pytest.mark.parametrize("char", REFUSED)
def test_invisible_characters_are_refused_in_any_text(char):
    assert invisible_characters(f"张{char}三")
    assert invisible_characters(f"张{char}三", multiline=True)


@pytest.mark.parametrize("char", ["\n", "\r", "\t"])
def test_newlines_and_tabs_belong_only_in_multi_line_text(char):
    assert invisible_characters(f"第一行{char}第二行")
    assert not invisible_characters(f"第一行{char}第二行", multiline=True)


@pytest.mark.parametrize(
    "text",
    [
        "阿依古丽·买买提",  # a middle dot in a minority name
        "王\u3000芳",  # a full-width space
        "𫝀宸",  # a rare character outside the BMP (CJK extension)
        "\ue000",  # private use: some rare name characters live there in older systems
        "Ａｂｃ１２３",
    ],
)
def test_names_people_really_have_are_allowed(text):
    assert not invisible_characters(text)
    assert not looks_like_formula(text)


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True),
        (" =1+1", True),
        ("\n=1+1", True),
        ("\t=1+1", True),
        ("\r-1+1", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ("-", False),
        ("-5", False),
        ("+1.5", False),
        ("+86 139 0451 0000", False),
        ("张三", False),
        ("李-四", False),
        ("a=b", False),
        ("", False),
    ],
)
def test_what_looks_like_a_formula(text, formula):
    assert looks_like_formula(text) is formula


# --- the portal's forms and its spreadsheet agree ----------
@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk-t", role=Role.ENTERPRISE, employer=EmployerFactory())


@pytest.fixture
def client_in(client, clerk):
    client.force_login(clerk)
    return client


def applicant_data(person, project, **extra):
    data = {
        "kind": "initial",
        "name": person.name,
        "id_number": person.id_number,
        "phone": "13904510000",
        "level": "2",
        "qualification_number": "ZJ-TEXT-1",
        "qualification_date": "2020-06-01",
        "projects": [project.pk],
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","点我")', " @SUM(1)", "张\u202e三", "张\u200b三"]
)
def test_the_applicant_form_refuses_what_the_spreadsheet_refuses_with_the_same_message(
    client_in, clerk, name
):
    project = MetrologyProjectFactory()
    person = PersonFactory()
    AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))
    batch = BatchFactory(employer=clerk.employer)

    response = client_in.post(
        reverse("portal:applicant_add", args=[batch.pk]), applicant_data(person, project, name=name)
    )
    with translation.override("zh-hans"):
        sheet = parse_sheet(csv_file([row(姓名=name)]))

    form_errors = response.context["form"].errors["name"]
    assert [(e.row, e.column) for e in sheet.errors] == [(2, "姓名")]
    assert form_errors == [sheet.errors[0].message]
    assert form_errors[0] in (str(FORMULA_MESSAGE), str(INVISIBLE_MESSAGE))
    assert not Application.objects.exists()


@pytest.mark.parametrize("title", ["2026年第一批\u202e", "\u2066第一批\u2069", "=1+1"])
def test_a_batch_title_with_invisible_characters_or_a_formula_is_refused_and_nothing_saved(client_in, title):
    response = client_in.post(reverse("portal:batches"), {"title": title})

    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not Batch.objects.exists()


def test_sign_up_refuses_an_employer_name_with_a_bidi_override(client):
    from tests.people.test_employer_sign_up import form_data

    response = client.post(reverse("portal:sign_up"), form_data(name="哈尔滨\u202e司公限有器仪"))

    assert "name" in response.context["form"].errors
    assert not Employer.objects.exists()


def test_the_employer_service_refuses_it_too_whatever_form_calls_it():
    from django.core.exceptions import ValidationError

    from people.services import employer_sign_up
    from tests.people.test_employer_sign_up import service_kwargs

    with pytest.raises(ValidationError):
        employer_sign_up(**service_kwargs(address="哈尔滨市\u202e号1路府学"))
    assert not Employer.objects.exists()


def test_a_colleagues_name_is_checked_like_any_name(client_in):
    response = client_in.post(
        reverse("portal:colleague_add"),
        {
            "username": "wang2",
            "name": "=cmd",
            "phone": "13904510001",
            "password1": "Harbin@2026x",
            "password2": "Harbin@2026x",
        },
    )

    assert "name" in response.context["form"].errors


def test_a_withdrawal_reason_may_have_lines_but_no_invisible_characters(client_in, clerk):
    first = ApplicationFactory(employer=clerk.employer)
    second = ApplicationFactory(employer=clerk.employer)

    client_in.post(reverse("portal:application_withdraw", args=[first.pk]), {"reason": "已离职\r\n不再申请"})
    client_in.post(reverse("portal:application_withdraw", args=[second.pk]), {"reason": "已离职\u202e"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == "withdrawn"
    assert second.state == "draft"


# --- the admin ----------
@pytest.fixture
def staff(client, association_user):
    client.force_login(association_user)
    return client


def test_the_admin_refuses_a_persons_name_with_a_bidi_override(staff):
    person = PersonFactory(name="张三")
    url = reverse("admin:people_person_change", args=[person.pk])
    form = staff.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
    data.update(
        {"name": "张\u202e三", "qualifications-TOTAL_FORMS": "0", "qualifications-INITIAL_FORMS": "0"}
    )

    response = staff.post(url, data)

    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.name == "张三"


def test_a_staff_reason_may_have_lines_but_no_control_characters(staff, monday_application):
    url = reverse("admin:registry_application_transition", args=[monday_application.pk, "not_accept"])

    refused = staff.post(url, {"reason": "材料不全\x07"})
    monday_application.refresh_from_db()
    assert monday_application.state == "submitted"
    assert refused.context["form"].errors["reason"]

    staff.post(url, {"reason": "材料不全：\r\n- 照片\r\n- 资格证书"})
    monday_application.refresh_from_db()
    assert monday_application.state == "not_accepted"
    assert "- 照片" in monday_application.decision_reason


@pytest.fixture
def monday_application(monday):
    return ApplicationFactory(submitted=True)


@pytest.fixture
def monday():
    import time_machine

    from tests.registry.conftest import MONDAY, at

    with time_machine.travel(at(MONDAY), tick=False) as traveller:
        yield traveller


# --- the score import ----------
@pytest.mark.parametrize("name", ["=1+1", "张\u202e三"])
def test_the_score_import_refuses_such_a_name_and_adds_no_one(name):
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(projects=[project])
    dataset = tablib.Dataset(
        [name, valid_resident_id(serial=301), project.code, "80", "70"],
        headers=["姓名", "身份证号", "项目代码", "操作技能成绩", "知识成绩"],
    )
    with translation.override("zh-hans"):
        result = ResultResource(session=session, create_people=True).import_data(dataset, dry_run=False)

    assert result.has_validation_errors()
    assert not Person.objects.exists()
    assert not AssessmentResult.objects.exists()


def test_the_catalogue_import_refuses_a_project_name_that_is_a_formula():
    from exams.models import MetrologyProject
    from exams.resources import ProjectResource

    dataset = tablib.Dataset(
        ["12.888", "=HYPERLINK(1)", "12", "是"], headers=["项目代码", "项目名称", "专业类别代码", "是否启用"]
    )
    with translation.override("zh-hans"):
        result = ProjectResource().import_data(dataset, rollback_on_validation_errors=True)

    assert [row.number for row in result.invalid_rows] == [1]
    assert not MetrologyProject.objects.filter(code="12.888").exists()
