"""The yearly report's workflow pages fit a phone, a tablet and a desktop (issue 17): association staff
read the list, the live draft and the written part's form; the bureau reads a submitted version (long
checksums, wide tables) and returns it with comments. Tables scroll inside their wrappers, never the page."""

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.roles import Role
from reports.models import AnnualReport, ReportVersion
from tests.e2e.conftest import login
from tests.factories import UserFactory
from tests.portal_files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 768, 1366)


def _page_fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _version(year: int, by) -> ReportVersion:
    """A submitted version with a wide table (twelve months), stored as report_submit stores it."""
    months = [f"{m}月" for m in range(1, 13)]
    figures = {
        "period": {"start": f"{year}-01-01", "end": f"{year}-12-31", "year": year, "label": f"{year}年"},
        "sections": [
            {
                "key": "applications",
                "number": 1,
                "title": "受理申请",
                "notes": [],
                "empty": "",
                "charts": [],
                "tables": [
                    {
                        "key": "by_month",
                        "title": "按月份",
                        "columns": ["申请类型", *months, "合计"],
                        "rows": [{"key": "initial", "cells": ["初始注册", *range(100, 112), 1266]}],
                        "total": None,
                    }
                ],
            }
        ],
    }
    pdf = pdf_bytes("report")
    version = ReportVersion(
        report=AnnualReport.objects.get_or_create(year=year)[0],
        number=1,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        figures=figures,
        work_done="全年受理注册申请，按期办结。" * 20,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        xlsx_sha256="a" * 64,
        checksum="b" * 64,
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    version.pdf.save("r.pdf", ContentFile(pdf), save=False)
    version.xlsx.save("r.xlsx", ContentFile(b"PK"), save=False)
    version.save()
    return version


def test_the_association_reads_and_edits_the_draft_on_every_width(page):
    UserFactory(username="ar-assoc", role=Role.ASSOCIATION)
    year = timezone.localdate().year - 1
    login(page, "ar-assoc")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/reports/annual/")
        assert page.get_by_test_id(f"year-{year}").is_visible()
        assert _page_fits(page), ("list", width)
        page.get_by_test_id(f"draft-link-{year}").click()
        assert page.get_by_test_id("section-6").is_visible()
        assert _page_fits(page), ("draft", width)
        page.get_by_test_id("edit-button").click()
        assert _page_fits(page), ("edit", width)
    page.locator("#id_work_done").fill("本年度完成了试点注册工作。")
    page.get_by_test_id("save").click()
    assert "本年度完成了试点注册工作。" in page.get_by_test_id("section-6").inner_text()
    assert page.get_by_test_id("submit-button").is_visible()


def test_the_bureau_reads_a_version_and_returns_it_on_a_phone(page):
    staff = UserFactory(username="ar-assoc2", role=Role.ASSOCIATION)
    UserFactory(username="ar-bureau", role=Role.BUREAU)
    year = timezone.localdate().year - 1
    version = _version(year, staff)
    login(page, "ar-bureau")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/reports/annual/")
        page.get_by_test_id(f"version-link-{year}-1").click()
        assert page.get_by_test_id("checksum").inner_text() == "b" * 64
        assert _page_fits(page), ("version", width)
    page.set_viewport_size({"width": 390, "height": 900})
    page.locator("#id_return-comment").fill("请补充第二节的逾期原因。")
    page.get_by_test_id("return").click()
    assert "请补充第二节的逾期原因。" in page.get_by_test_id("bureau-answer").inner_text()
    assert _page_fits(page)
    version.refresh_from_db()
    assert version.state == "returned"
