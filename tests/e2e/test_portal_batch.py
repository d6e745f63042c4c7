"""A clerk of a verified employer walks a batch through the real pages: applicants by form and by
spreadsheet, materials, submission, the one-time correction round, and the issued certificate."""

import datetime as dt
import re

import pytest

from accounts.roles import Role
from registry.models import Application
from registry.services.applications import (
    application_accept,
    application_approve,
    application_issue,
    application_request_corrections,
)
from tests.e2e.conftest import login
from tests.factories import EmployerFactory, PersonFactory, UserFactory
from tests.factories.exams import AssessmentCertificateFactory, MetrologyProjectFactory
from tests.portal_files import pdf_bytes, photo_png, sheet_xlsx

pytestmark = pytest.mark.django_db(transaction=True)

PDF = {"name": "材料.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
PHOTO = {"name": "照片.png", "mimeType": "image/png", "buffer": photo_png()}
FILES_FOR_INITIAL = [
    ("application_form", PDF),
    ("qualification_certificate", PDF),
    ("assessment_certificate", PDF),
    ("photo", PHOTO),
    ("photo", PHOTO),
]


def _assessed(project, name):
    person = PersonFactory(name=name)
    AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))
    return person


def _add_by_form(page, person, number, *, button):
    page.get_by_label("姓名").fill(person.name)
    page.get_by_label("身份证号").fill(person.id_number)
    page.get_by_label("手机号码").fill("13904510000")
    page.get_by_label("职业资格证书编号").fill(number)
    page.get_by_label("资格证书取得日期").fill("2020-06-01")
    page.get_by_label("12.901 压力表").check()
    page.get_by_role("button", name=button).click()


def _upload(page, kind, file):
    page.get_by_label("文件类别").select_option(kind)
    page.locator("input#id_file").set_input_files(file)
    page.get_by_role("button", name="上传", exact=True).click()
    page.get_by_text("文件已保存。").wait_for()


def test_a_batch_from_forms_and_a_spreadsheet_to_an_issued_certificate(page):
    employer = EmployerFactory(name="牡丹江精密仪表有限公司")
    UserFactory(username="mdj_clerk", role=Role.ENTERPRISE, employer=employer, first_name="孙丽")
    acceptor = UserFactory(username="assoc_a", role=Role.ASSOCIATION)
    approver = UserFactory(username="assoc_b", role=Role.ASSOCIATION)
    project = MetrologyProjectFactory(code="12.901", name="压力表")
    by_form = [_assessed(project, "周一"), _assessed(project, "吴二")]
    by_sheet = [_assessed(project, n) for n in ("郑三", "王四", "冯五")]

    login(page, "mdj_clerk")
    page.get_by_role("navigation").get_by_role("link", name="申请批次").click()
    page.get_by_label("批次名称").fill("2026年第一批注册申请")
    page.get_by_role("button", name="创建批次").click()
    page.wait_for_url(re.compile(r"/portal/batches/\d+/$"))
    batch_url = page.url

    # Two applicants through the form.
    page.get_by_role("link", name="用表单添加申请人").click()
    _add_by_form(page, by_form[0], "ZJ-E2E-0001", button="添加并继续录入下一位")
    page.get_by_text("已加入批次").wait_for()
    _add_by_form(page, by_form[1], "ZJ-E2E-0002", button="添加并上传材料")
    page.wait_for_url(re.compile(r"/portal/applications/\d+/$"))

    # Three through the spreadsheet built from the downloadable template.
    page.goto(batch_url)
    rows = [
        [p.name, p.id_number, "13904510000", "二级", f"ZJ-E2E-1{i}", "2020-06-01", "12.901", "初始注册"]
        for i, p in enumerate(by_sheet)
    ]
    page.get_by_label("填写好的表格").set_input_files(
        {
            "name": "申请人.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": sheet_xlsx(rows),
        }
    )
    page.get_by_role("button", name="检查表格").click()
    assert page.get_by_test_id("sheet-rows").get_by_text("冯五").is_visible()
    assert Application.objects.count() == 2  # the preview saved nothing
    page.get_by_role("button", name="将这些申请人加入批次").click()
    page.wait_for_url(batch_url)
    assert Application.objects.filter(employer=employer).count() == 5

    # Materials: everything for four applicants; 冯五 only the form, so the batch shows what he lacks.
    for person in [*by_form, *by_sheet]:
        page.goto(batch_url)
        page.get_by_test_id(f"row-{person.name}").get_by_role("link").first.click()
        files = FILES_FOR_INITIAL if person.name != "冯五" else FILES_FOR_INITIAL[:1]
        for kind, file in files:
            _upload(page, kind, file)
    assert page.get_by_test_id("missing").inner_text().startswith("仍缺少")

    page.goto(batch_url)
    page.get_by_test_id("truthfulness").locator("input").check()
    page.get_by_role("button", name="提交材料齐全的申请").click()
    confirmation = page.get_by_test_id("submit-confirmation")  # nothing is submitted before the second step
    assert "冯五" in confirmation.get_by_test_id("staying").inner_text()
    assert len(confirmation.get_by_test_id("to-submit").locator("li").all()) == 4
    page.get_by_test_id("confirm-submit").click()
    page.get_by_text("已提交 4 份申请").wait_for()
    lacking = page.get_by_test_id("row-冯五")
    assert "2寸免冠照片" in lacking.inner_text()
    assert lacking.get_by_text("草稿").is_visible()

    # The association sends the one-time correction notice (in the admin; here by the service).
    first = Application.objects.get(person=by_form[0])
    application_request_corrections(application=first, items=["photo"], note="照片背景应为白色", by=acceptor)

    page.goto(batch_url)
    page.get_by_test_id(f"row-{by_form[0].name}").get_by_role("link").first.click()
    notice = page.get_by_test_id("correction-notice")
    assert "2寸免冠照片" in notice.get_by_test_id("correction-items").inner_text()
    assert notice.get_by_test_id("correction-note").inner_text() == "照片背景应为白色"
    materials = page.get_by_test_id("materials")
    photo_row = materials.locator("tr", has_text="2寸免冠照片").first
    photo_row.get_by_label("换一个文件").set_input_files({**PHOTO, "name": "白底照片.png"})
    photo_row.get_by_role("button", name="替换").click()
    page.get_by_text("文件已替换。").wait_for()
    page.get_by_role("button", name="重新提交").click()
    page.get_by_text("已重新提交").wait_for()
    assert page.get_by_test_id(f"state-{first.pk}").inner_text() == "已提交"
    assert "工作日" in page.get_by_test_id("deadline").inner_text()

    # Accepted, approved by a second member of staff, issued.
    application_accept(application=first, by=acceptor)
    application_approve(application=first, by=approver)
    application_issue(application=first, by=acceptor)
    page.reload()
    number = first.produced_certificate.number
    assert page.get_by_test_id("certificate-number").inner_text() == number
    history = page.get_by_test_id("history").inner_text()
    assert "孙丽" in history
    assert "黑龙江省计量协会" in history

    # The holder's certificate, downloaded as a person would, is a real PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载注册证（PDF）").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
