"""The yearly report from end to end, in the browser (issue 17, "Done when"): association staff open last
year's draft, write the written part, submit it; the bureau opens the submitted version, downloads the PDF
and the workbook, and acknowledges receipt. The PDF is read back (its text, and page 1 drawn as an image)
and the workbook opened, so what the bureau files is checked, not only the page."""

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from accounts.roles import Role
from people.models import Prefecture
from reports.models import ReportVersion, VersionState
from tests.e2e.conftest import login
from tests.factories import EmployerFactory, RegistrationCertificateFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WORK_DONE = "全年网上受理企业批量申请，严格执行5、10、5个工作日时限。"


def _last_year_data(year: int) -> None:
    """Three registrations issued in Harbin last year: section 3 counts 3 in force at the year's end."""
    employer = EmployerFactory(prefecture=Prefecture.HARBIN)
    for month in (3, 6, 9):
        day = dt.date(year, month, 10)
        RegistrationCertificateFactory(
            application__employer=employer,
            application__received_on=day,
            application__accepted_on=day,
            application__approved_on=day,
            application__issued_on=day,
            application__closed_on=day,
            issued_on=day,
        )


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def _page_image(path: Path, tmp_path: Path, page: int) -> Image.Image:
    stem = tmp_path / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
            str(stem),
        ],
        check=True,
    )
    return Image.open(f"{stem}.png").convert("RGB")


def test_draft_submit_then_the_bureau_downloads_and_acknowledges(browser, live_server, tmp_path):
    year = dt.date.today().year - 1
    _last_year_data(year)
    UserFactory(username="report-staff", role=Role.ASSOCIATION, email="staff@xiehui.example.cn")
    UserFactory(username="report-bureau", role=Role.BUREAU, email="office@shiju.example.cn")

    # --- association staff: the draft, the written part, the submission --------------------------------
    staff = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = staff.new_page()
    login(page, "report-staff")
    page.goto("/reports/annual/")
    page.get_by_test_id(f"draft-link-{year}").click()
    assert page.get_by_test_id("section-3").is_visible()
    # The draft draws its charts (ECharts, served from this site) from the live figures.
    page.wait_for_selector("[data-chart] canvas")
    page.get_by_test_id("edit-button").click()
    page.locator("#id_work_done").fill(WORK_DONE)
    page.locator("#id_problems").fill("部分企业首次申报材料不全。")
    page.locator("#id_suggestions").fill("建议发布申报指南。")
    page.get_by_test_id("save").click()
    assert WORK_DONE in page.content()
    page.get_by_test_id("submit-button").click()
    page.get_by_test_id("submit-confirm").click()
    page.wait_for_load_state("networkidle")
    version = ReportVersion.objects.get(report__year=year)
    assert version.number == 1
    assert version.state == VersionState.SUBMITTED
    assert version.work_done == WORK_DONE
    assert page.get_by_test_id("checksum").inner_text().strip() == version.checksum
    staff.close()

    # --- the bureau: read, download both files, acknowledge ---------------------------------------------
    bureau = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = bureau.new_page()
    login(page, "report-bureau")
    page.goto("/reports/annual/")
    page.get_by_test_id(f"version-link-{year}-1").click()
    # Waits for the version's page (a bare is_visible() right after the click raced the navigation).
    expect(page.get_by_test_id("version-state")).to_be_visible()
    with page.expect_download() as pdf_download:
        page.get_by_test_id("download-pdf").click()
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    with page.expect_download() as xlsx_download:
        page.get_by_test_id("download-xlsx").click()
    xlsx = tmp_path / "report.xlsx"
    xlsx_download.value.save_as(xlsx)

    text = _pdf_text(pdf)
    assert f"黑龙江省企业注册计量师注册工作{year}年度报告" in text
    assert version.checksum in text  # on the cover
    assert WORK_DONE in text  # section 6, as submitted
    assert "3. 注册证情况" in text
    cover = _page_image(pdf, tmp_path, 1)
    assert sum(cover.convert("L").histogram()[:250]) > 1000  # the cover is drawn, not blank
    # The figures' pages carry the charts in colour (bars are not grey): some page has saturated pixels.
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, check=True, text=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    coloured = 0
    for number in range(2, min(pages, 6) + 1):
        image = _page_image(pdf, tmp_path, number)
        coloured += sum(image.convert("HSV").split()[1].histogram()[80:])  # saturation above a third
    assert coloured > 200

    workbook = load_workbook(io.BytesIO(xlsx.read_bytes()))
    numbers = [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int) and not isinstance(cell.value, bool)
    ]
    assert 3 in numbers  # the three certificates in force, a real number, not text

    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state("networkidle")
    version.refresh_from_db()
    assert version.state == VersionState.ACKNOWLEDGED
    assert version.answered_by.username == "report-bureau"
    assert "已确认收到" in page.get_by_test_id("version-state").inner_text()
    bureau.close()
