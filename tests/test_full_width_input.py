"""Full-width input (Chinese input methods type １３９０４５１０３００): every code field normalises it (NFKC,
then strip) in forms and in uploaded spreadsheets alike, through common.text.normalize_code."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import Role
from common.text import normalize_code
from people.models import Person
from people.validators import normalize_resident_id, normalize_uscc
from registry.models import Application
from registry.portal_forms import EmployerSignUpForm
from tests.factories import (
    AssessmentCertificateFactory,
    BatchFactory,
    EmployerFactory,
    MetrologyProjectFactory,
    PersonFactory,
    UserFactory,
    valid_resident_id,
    valid_uscc,
)
from tests.registry.test_spreadsheets import parse_sheet, row, xlsx

FULL = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－．",
)


def full_width(value: str) -> str:
    return value.upper().translate(FULL)


def test_full_width_digits_letters_and_spaces_become_ascii():
    assert normalize_code("　１３９０４５１０３００　") == "13904510300"
    assert normalize_code(None) == ""
    assert normalize_resident_id("２３０１０２１９８５０３０４００１ｘ") == "23010219850304001X"
    assert normalize_uscc(" ９１２３０１ＡＢ ") == "912301AB"


@pytest.mark.django_db
def test_names_are_not_normalised_rare_characters_survive():
    # NFKC maps the compatibility ideograph 﨑 (U+FA11) to 崎: only codes go through it, never names.
    person = PersonFactory(name="山﨑")
    person.refresh_from_db()
    assert person.name == "山﨑"


@pytest.mark.django_db
def test_the_sign_up_form_accepts_a_full_width_phone_and_credit_code():
    uscc = valid_uscc(7)
    form = EmployerSignUpForm(
        {
            "uscc": f"　{full_width(uscc)}　",
            "name": "全角测试有限公司",
            "prefecture": "harbin",
            "address": "哈尔滨市南岗区",
            "contact_name": "王建国",
            "contact_phone": "１３９０４５１０３００",
            "contact_email": "a@example.com",
            "username": "fullwidth",
            "password1": "Xin-Mima-2026-jiliang",
            "password2": "Xin-Mima-2026-jiliang",
        }
    )
    form.is_valid()
    assert "contact_phone" not in form.errors, form.errors
    assert "uscc" not in form.errors, form.errors
    assert form.cleaned_data["contact_phone"] == "13904510300"
    assert form.cleaned_data["uscc"] == uscc


@pytest.mark.django_db
def test_a_full_width_phone_that_is_still_wrong_is_refused():
    form = EmployerSignUpForm({"contact_phone": "１３９ＡＢＣ"})
    form.is_valid()
    assert "contact_phone" in form.errors


@pytest.mark.django_db
def test_the_applicant_form_takes_a_full_width_id_and_phone(client):
    project = MetrologyProjectFactory(code="12.901", name="压力表")
    clerk = UserFactory(role=Role.ENTERPRISE, employer=EmployerFactory())
    person = PersonFactory()
    AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))
    batch = BatchFactory(employer=clerk.employer)
    client.force_login(clerk)
    response = client.post(
        reverse("portal:applicant_add", args=[batch.pk]),
        {
            "kind": "initial",
            "name": person.name,
            "id_number": f"　{full_width(person.id_number)}",
            "phone": "１３９０４５１０３００",
            "level": "2",
            "qualification_number": "ＺＪ－ＦＯＲＭ－０００１",
            "qualification_date": "2020-06-01",
            "projects": [project.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(batch=batch)
    assert application.person == person
    assert Person.objects.with_id_number(person.id_number).count() == 1


def test_a_spreadsheet_row_in_full_width_reads_like_the_ascii_one():
    id_number = valid_resident_id(birth=dt.date(1985, 3, 4), serial=11)
    result = parse_sheet(
        xlsx(
            [
                row(
                    身份证号=full_width(id_number) + "　",
                    手机号="１３９　０４５１　０３００",
                    职业资格证书编号="ＺＪ２０２０００１",
                    申请项目代码="Ｐ０１，Ｐ０２",
                )
            ]
        )
    )
    assert result.ok, result.errors
    (parsed,) = result.rows
    assert parsed.id_number == id_number
    assert parsed.phone == "13904510300"
    assert parsed.qualification_number == "ZJ2020001"
    assert parsed.project_codes == ("P01", "P02")
