"""The yearly report's workflow pages (/reports/annual/, issue 17): who opens what (404 for everyone but
association staff and the bureau), the list of years with their state and due date, the draft and its
written part, submission, the frozen version (drawn only from what it stored), its files, and the bureau's
answer. Messages are compared with gettext under the page's language, so the tests hold before and after
the Chinese catalogue is merged."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from audit.models import Action, AuditEvent
from reports.document import content_checksum
from reports.models import AnnualReport, ReportVersion, VersionState
from reports.services import TEXT_LIMIT
from tests.portal_files import pdf_bytes

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def at(year: int, month: int, day: int):
    return time_machine.travel(dt.datetime(year, month, day, 10, tzinfo=SHANGHAI), tick=False)


@pytest.fixture(autouse=True)
def _pilot(settings):
    settings.REGISTRY_PILOT_START = dt.date(2025, 1, 1)


def frozen_figures(year: int, marker: int, rows: int = 1) -> dict:
    """Figures in the shape reports.figures produces: one section, one table; `marker` is a count that
    appears nowhere else on the page."""
    return {
        "schema": 1,
        "period": {
            "start": f"{year}-01-01",
            "end": f"{year}-12-31",
            "as_of": f"{year}-12-31",
            "year": year,
            "label": f"{year}年",
        },
        "computed_at": f"{year + 1}-01-05T09:00:00+08:00",
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
                        "key": "kinds",
                        "title": "按类型",
                        "columns": ["类型", "件数"],
                        "rows": [{"key": f"k{n}", "cells": [f"类型{n}", marker + n]} for n in range(rows)],
                        "total": None,
                    }
                ],
            }
        ],
    }


def make_version(
    year: int,
    number: int = 1,
    *,
    by: User,
    state: str = VersionState.SUBMITTED,
    submitted_at: dt.datetime | None = None,
    marker: int = 4242,
    rows: int = 1,
    comment: str = "",
) -> ReportVersion:
    """A submitted version as report_submit stores it (built directly: no export is drawn here)."""
    report, _created = AnnualReport.objects.get_or_create(year=year)
    figures = frozen_figures(year, marker, rows)
    pdf, xlsx = pdf_bytes(f"report {year} v{number}"), b"PK\x03\x04 workbook " + str(number).encode()
    version = ReportVersion(
        report=report,
        number=number,
        state=state,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        figures=figures,
        work_done="全年受理申请。",
        problems="",
        suggestions="简化流程。",
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
        checksum=content_checksum(figures, work_done="全年受理申请。", problems="", suggestions="简化流程。"),
        submitted_by=by,
        submitted_at=submitted_at or dt.datetime(year + 1, 1, 5, 9, tzinfo=SHANGHAI),
        bureau_comment=comment,
    )
    if state in (VersionState.RETURNED, VersionState.ACKNOWLEDGED):
        version.answered_at = dt.datetime(year + 1, 1, 7, 9, tzinfo=SHANGHAI)
    version.pdf.save(f"report-{year}-v{number}.pdf", ContentFile(pdf), save=False)
    version.xlsx.save(f"report-{year}-v{number}.xlsx", ContentFile(xlsx), save=False)
    version.save()
    return version


def every_url(year: int, number: int) -> list[tuple[str, str]]:
    """(method, URL) of every report URL."""
    y, v = {"year": year}, {"year": year, "number": number}
    return [
        ("get", reverse("annual_reports:list")),
        ("get", reverse("annual_reports:draft", kwargs=y)),
        ("get", reverse("annual_reports:draft_pdf", kwargs=y)),
        ("get", reverse("annual_reports:draft_xlsx", kwargs=y)),
        ("get", reverse("annual_reports:edit", kwargs=y)),
        ("post", reverse("annual_reports:edit", kwargs=y)),
        ("get", reverse("annual_reports:submit", kwargs=y)),
        ("post", reverse("annual_reports:submit", kwargs=y)),
        ("get", reverse("annual_reports:version", kwargs=v)),
        ("get", reverse("annual_reports:version_pdf", kwargs=v)),
        ("get", reverse("annual_reports:version_xlsx", kwargs=v)),
        ("post", reverse("annual_reports:return", kwargs=v)),
        ("post", reverse("annual_reports:acknowledge", kwargs=v)),
    ]


# --- who opens what ------------------------------------------------------------------------------------
@pytest.mark.parametrize("role_fixture", ["enterprise_user", "training_centre_user", "inspector_user"])
def test_every_report_url_is_404_for_other_roles(client, request, role_fixture, association_user):
    version = make_version(2025, by=association_user)
    with at(2026, 1, 5):
        client.force_login(request.getfixturevalue(role_fixture))
        for method, url in every_url(2025, 1):
            response = getattr(client, method)(url, {"return-comment": "改", "work_done": "x"})
            assert response.status_code == 404, (method, url, response.status_code)
    version.refresh_from_db()
    assert version.state == VersionState.SUBMITTED
    assert AnnualReport.objects.get(year=2025).work_done == ""
    assert not AuditEvent.objects.filter(action=Action.DOWNLOADED).exists()


def test_a_visitor_is_sent_to_sign_in(client, association_user):
    make_version(2025, by=association_user)
    for method, url in every_url(2025, 1):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


def test_the_bureau_never_sees_a_draft(client, bureau_user):
    with at(2026, 1, 5):
        client.force_login(bureau_user)
        for name in ("draft", "draft_pdf", "draft_xlsx", "edit", "submit"):
            assert client.get(reverse(f"annual_reports:{name}", kwargs={"year": 2025})).status_code == 404
        assert client.post(reverse("annual_reports:submit", kwargs={"year": 2025})).status_code == 404
        assert (
            client.post(
                reverse("annual_reports:edit", kwargs={"year": 2025}), {"work_done": "改了"}
            ).status_code
            == 404
        )
    assert not ReportVersion.objects.exists()
    assert not AnnualReport.objects.filter(work_done="改了").exists()


def test_the_association_cannot_answer_for_the_bureau(client, association_user):
    version = make_version(2025, by=association_user)
    client.force_login(association_user)
    kwargs = {"year": 2025, "number": 1}
    assert (
        client.post(reverse("annual_reports:return", kwargs=kwargs), {"return-comment": "x"}).status_code
        == 404
    )
    assert client.post(reverse("annual_reports:acknowledge", kwargs=kwargs)).status_code == 404
    version.refresh_from_db()
    assert version.state == VersionState.SUBMITTED
    assert version.answered_by is None
    page = client.get(reverse("annual_reports:version", kwargs=kwargs)).content.decode()
    assert 'data-testid="answer-forms"' not in page


@pytest.mark.parametrize("year", [2024, 2028, 1])
def test_years_outside_the_reporting_years_are_not_found(client, association_user, year):
    with at(2027, 3, 1):
        client.force_login(association_user)
        for name in ("draft", "edit", "submit"):
            assert client.get(reverse(f"annual_reports:{name}", kwargs={"year": year})).status_code == 404
    assert not AnnualReport.objects.exists()


def test_a_version_that_does_not_exist_is_not_found(client, association_user, bureau_user):
    make_version(2025, by=association_user)
    client.force_login(bureau_user)
    for name in ("version", "version_pdf", "version_xlsx"):
        assert (
            client.get(reverse(f"annual_reports:{name}", kwargs={"year": 2025, "number": 2})).status_code
            == 404
        )
        assert (
            client.get(reverse(f"annual_reports:{name}", kwargs={"year": 2026, "number": 1})).status_code
            == 404
        )


# --- the list -------------------------------------------------------------------------------------------
def _years_on(page: str) -> list[int]:
    return [int(y) for y in re.findall(r'data-testid="year-(\d{4})"', page)]


def test_the_association_sees_every_year_with_its_state_due_date_and_versions(client, association_user):
    make_version(2025, 1, by=association_user, state=VersionState.RETURNED, comment="请补充")
    make_version(
        2025, 2, by=association_user, state=VersionState.ACKNOWLEDGED,
        submitted_at=dt.datetime(2026, 1, 12, 9, tzinfo=SHANGHAI),
    )  # fmt: skip
    with at(2027, 1, 15):
        client.force_login(association_user)
        page = client.get(reverse("annual_reports:list")).content.decode()
    assert _years_on(page) == [2027, 2026, 2025]
    assert 'data-testid="due-2025">2026-01-10<' in page
    assert 'data-testid="due-2026">2027-01-10<' in page
    assert 'data-testid="overdue-2026"' in page  # nothing submitted by 10 January 2027
    assert 'data-testid="overdue-2027"' not in page
    assert 'data-testid="overdue-2025"' not in page
    assert 'data-testid="late-2025"' not in page  # the first version was on time
    assert 'data-testid="version-link-2025-1"' in page
    assert 'data-testid="version-link-2025-2"' in page
    assert 'class="badge acknowledged" data-testid="state-2025"' in page
    assert 'class="badge draft" data-testid="state-2026"' in page
    assert 'data-testid="draft-link-2026"' in page


def test_the_bureau_sees_submitted_years_and_overdue_ones_flagged(client, association_user, bureau_user):
    make_version(2025, 1, by=association_user, submitted_at=dt.datetime(2026, 1, 11, 9, tzinfo=SHANGHAI))
    with at(2027, 1, 15):
        client.force_login(bureau_user)
        page = client.get(reverse("annual_reports:list")).content.decode()
    assert _years_on(page) == [2026, 2025]  # 2027 is neither submitted nor due
    assert 'data-testid="overdue-notice-2026"' in page
    assert 'data-testid="late-2025"' in page  # submitted on 11 January 2026, one day late
    assert "draft-link" not in page
    with at(2026, 1, 9):  # before 2025's due date: 2026 is not shown, 2025 has its version
        page = client.get(reverse("annual_reports:list")).content.decode()
    assert _years_on(page) == [2025]


def test_the_bureau_list_is_empty_before_anything_is_due(client, bureau_user):
    with at(2025, 6, 1):
        client.force_login(bureau_user)
        page = client.get(reverse("annual_reports:list")).content.decode()
    assert _years_on(page) == []
    assert 'data-testid="no-reports"' in page


def test_a_returned_and_not_resent_report_is_overdue_again(client, association_user, bureau_user):
    make_version(2025, 1, by=association_user, state=VersionState.RETURNED, comment="数字有误")
    with at(2026, 2, 1):
        client.force_login(bureau_user)
        page = client.get(reverse("annual_reports:list")).content.decode()
    assert 'data-testid="overdue-notice-2025"' in page


# --- the draft and its written part ---------------------------------------------------------------------
def test_the_draft_shows_live_figures_every_section_and_the_written_part(client, association_user):
    AnnualReport.objects.create(year=2026, work_done="本年度完成注册工作。")
    with at(2026, 6, 1):
        client.force_login(association_user)
        response = client.get(reverse("annual_reports:draft", kwargs={"year": 2026}))
    page = response.content.decode()
    assert response.status_code == 200
    for number in range(1, 7):
        assert f'data-testid="section-{number}"' in page
    assert 'data-testid="as-of">2026-06-01<' in page
    assert "本年度完成注册工作。" in page
    assert 'data-testid="submit-later"' in page
    assert 'data-testid="submit-button"' not in page
    assert 'data-testid="returned-banner"' not in page


def test_a_returned_version_shows_the_bureaus_comments_on_the_draft(client, association_user):
    make_version(2025, 1, by=association_user, state=VersionState.RETURNED, comment="<b>第三节</b>数字有误")
    with at(2026, 1, 8):
        client.force_login(association_user)
        page = client.get(reverse("annual_reports:draft", kwargs={"year": 2025})).content.decode()
    assert 'data-testid="returned-banner"' in page
    assert "&lt;b&gt;第三节&lt;/b&gt;数字有误" in page
    assert "<b>第三节</b>" not in page
    assert 'data-testid="version-link-2025-1"' in page
    assert 'data-testid="submit-button"' in page


def test_the_written_part_is_saved_and_audited(client, association_user):
    client.force_login(association_user)
    url = reverse("annual_reports:edit", kwargs={"year": 2025})
    with at(2026, 1, 5):
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"work_done": "  完成了 \r\n 注册。 ", "problems": "", "suggestions": "简化"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("annual_reports:draft", kwargs={"year": 2025})
    report = AnnualReport.objects.get(year=2025)
    assert (report.work_done, report.problems, report.suggestions) == ("完成了 \n 注册。", "", "简化")
    assert report.updated_by == association_user
    event = AuditEvent.objects.get(action=Action.REPORT_TEXT)
    assert event.detail == {"year": 2025, "parts": ["work_done", "suggestions"]}


def test_hostile_text_is_refused_beside_its_field_and_nothing_is_saved(client, association_user):
    AnnualReport.objects.create(year=2025, work_done="原文")
    client.force_login(association_user)
    url = reverse("annual_reports:edit", kwargs={"year": 2025})
    with at(2026, 1, 5):
        response = client.post(
            url,
            {"work_done": "新的文字", "problems": "响铃\x07控制符", "suggestions": "长" * (TEXT_LIMIT + 1)},
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"problems", "suggestions"}
    with translation.override("zh-hans"):
        too_long = gettext("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    assert form.errors["suggestions"] == [too_long]
    page = response.content.decode()
    assert 'id="id_problems_error"' in page
    assert 'id="id_suggestions_error"' in page
    report = AnnualReport.objects.get(year=2025)
    assert (report.work_done, report.problems, report.suggestions) == ("原文", "", "")
    assert not AuditEvent.objects.filter(action=Action.REPORT_TEXT).exists()


def test_a_nul_character_is_refused_by_the_form(client, association_user):
    with at(2026, 1, 5):
        client.force_login(association_user)
        response = client.post(reverse("annual_reports:edit", kwargs={"year": 2025}), {"work_done": "a\x00b"})
    assert response.status_code == 200
    assert "work_done" in response.context["form"].errors
    assert AnnualReport.objects.get(year=2025).work_done == ""


# --- submission -----------------------------------------------------------------------------------------
def test_the_submit_page_says_what_is_frozen_and_the_due_date(client, association_user):
    make_version(2025, 1, by=association_user, state=VersionState.RETURNED, comment="改")
    with at(2026, 1, 12):
        client.force_login(association_user)
        page = client.get(reverse("annual_reports:submit", kwargs={"year": 2025})).content.decode()
    assert 'data-testid="due">2026-01-10<' in page
    assert 'data-testid="late-warning"' in page  # returned, not resent, past the due date
    next_version = re.search(r'data-testid="next-version">([^<]*)<', page).group(1)
    assert "2" in next_version
    assert "1" not in next_version


def test_submitting_before_the_year_is_over_is_refused_with_the_services_message(client, association_user):
    with at(2026, 12, 31):
        client.force_login(association_user)
        response = client.post(reverse("annual_reports:submit", kwargs={"year": 2026}), follow=True)
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = gettext(
            "The report on %(year)s can be submitted from 1 January %(next)s, once the year is over."
        ) % {"year": 2026, "next": 2027}
    assert [str(m) for m in response.context["messages"]] == [expected]
    assert not ReportVersion.objects.exists()


def test_submitting_freezes_a_version_and_opens_it(client, association_user):
    """Uses the real exports (reports.exports): the stored files are what the version page serves."""
    AnnualReport.objects.create(year=2025, work_done="工作总结")
    with at(2026, 1, 6):
        client.force_login(association_user)
        response = client.post(reverse("annual_reports:submit", kwargs={"year": 2025}))
    version = ReportVersion.objects.get(report__year=2025)
    assert response.status_code == 302
    assert response["Location"] == reverse("annual_reports:version", kwargs={"year": 2025, "number": 1})
    assert version.number == 1
    assert version.state == VersionState.SUBMITTED
    assert version.work_done == "工作总结"
    with at(2026, 1, 6):
        pdf = client.get(reverse("annual_reports:version_pdf", kwargs={"year": 2025, "number": 1}))
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == version.pdf_sha256


# --- the frozen version ---------------------------------------------------------------------------------
def _version_queries(client, year: int, number: int) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("annual_reports:version", kwargs={"year": year, "number": number}))
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_version_is_drawn_from_what_it_stored_in_constant_queries(client, association_user, bureau_user):
    make_version(2025, 1, by=association_user, marker=4242, rows=1)
    make_version(2025, 2, by=association_user, marker=9000, rows=40)
    client.force_login(bureau_user)
    _version_queries(client, 2025, 1)  # warm the session
    small, large = _version_queries(client, 2025, 1), _version_queries(client, 2025, 2)
    assert len(small) == len(large) <= 6
    for sql in small + large:
        assert not re.search(r'"(registry|people|exams|training|supervision|workdays)_', sql), sql


def test_a_version_page_shows_its_cover_and_never_recomputes(
    client, association_user, bureau_user, django_assert_num_queries
):
    version = make_version(2025, by=association_user, marker=4242)
    client.force_login(bureau_user)
    url = reverse("annual_reports:version", kwargs={"year": 2025, "number": 1})
    client.get(url)
    count = len(_version_queries(client, 2025, 1))
    with django_assert_num_queries(count):
        page = client.get(url).content.decode()
    assert "4242" in page  # the stored figure, not anything computed (the registry is empty)
    assert f'data-testid="checksum">{version.checksum}<' in page
    assert f'data-testid="pdf-sha256">{version.pdf_sha256}<' in page
    assert f'data-testid="xlsx-sha256">{version.xlsx_sha256}<' in page
    assert association_user.get_full_name() in page
    assert "全年受理申请。" in page
    assert 'data-testid="section-6"' in page
    assert 'data-testid="answer-forms"' in page


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_stored_files_are_served_as_attachments_and_audited(
    client, association_user, bureau_user, kind, content_type
):
    version = make_version(2025, by=association_user)
    client.force_login(bureau_user)
    response = client.get(reverse(f"annual_reports:version_{kind}", kwargs={"year": 2025, "number": 1}))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="report-2025-v1.{kind}"'
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == getattr(version, f"{kind}_sha256")
    event = AuditEvent.objects.get(action=Action.DOWNLOADED)
    assert event.actor == bureau_user
    assert event.target_id == str(version.pk)
    assert event.detail == {"file": f"report_{kind}", "year": 2025, "version": 1}


def test_a_missing_stored_file_is_not_found_and_not_audited(client, association_user, bureau_user):
    version = make_version(2025, by=association_user)
    version.pdf.storage.delete(version.pdf.name)
    client.force_login(bureau_user)
    response = client.get(reverse("annual_reports:version_pdf", kwargs={"year": 2025, "number": 1}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.DOWNLOADED).exists()


# --- the bureau's answer --------------------------------------------------------------------------------
def test_the_bureau_returns_a_version_with_comments(client, association_user, bureau_user):
    version = make_version(2025, by=association_user)
    client.force_login(bureau_user)
    url = reverse("annual_reports:return", kwargs={"year": 2025, "number": 1})
    response = client.post(url, {"return-comment": "   "})
    assert response.status_code == 200
    assert "comment" in response.context["return_form"].errors
    version.refresh_from_db()
    assert version.state == VersionState.SUBMITTED
    response = client.post(url, {"return-comment": "第二节的数字<script>alert(1)</script>"}, follow=True)
    version.refresh_from_db()
    assert version.state == VersionState.RETURNED
    assert version.answered_by == bureau_user
    assert version.bureau_comment == "第二节的数字<script>alert(1)</script>"
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert [str(m) for m in response.context["messages"]] == [
        zh("The version is returned to the association with your comments.")
    ]
    assert 'data-testid="answer-forms"' not in page
    # answered once: a second answer is refused with the service's message, nothing changes
    response = client.post(reverse("annual_reports:acknowledge", kwargs={"year": 2025, "number": 1}))
    assert response.status_code == 200
    assert response.context["acknowledge_form"].non_field_errors()
    version.refresh_from_db()
    assert version.state == VersionState.RETURNED


def test_the_bureau_acknowledges_receipt(client, association_user, bureau_user):
    version = make_version(2025, by=association_user)
    client.force_login(bureau_user)
    url = reverse("annual_reports:acknowledge", kwargs={"year": 2025, "number": 1})
    response = client.post(url, {"ack-comment": "响铃\x07"})
    assert response.status_code == 200
    assert "comment" in response.context["acknowledge_form"].errors
    version.refresh_from_db()
    assert version.state == VersionState.SUBMITTED
    response = client.post(url, {"ack-comment": "已收到"}, follow=True)
    version.refresh_from_db()
    assert version.state == VersionState.ACKNOWLEDGED
    assert version.bureau_comment == "已收到"
    assert [str(m) for m in response.context["messages"]] == [
        zh("Receipt of the version is acknowledged; the association is told.")
    ]
    assert 'data-testid="bureau-answer"' in response.content.decode()


# --- the ways in ----------------------------------------------------------------------------------------
def test_the_admin_index_links_association_staff_to_the_reports(client, association_user):
    with at(2026, 1, 5):
        client.force_login(association_user)
        page = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="annual-reports-link"' in page
    assert reverse("annual_reports:list") in page
    assert "2026-01-10" in page  # last year's report is due and not submitted
    make_version(2025, by=association_user)
    with at(2026, 1, 5):
        page = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="annual-reports-link"' in page
    assert "2026-01-10" not in page


def test_other_admin_users_see_no_link(client, training_centre_user):
    client.force_login(training_centre_user)
    assert 'data-testid="annual-reports-link"' not in client.get(reverse("admin:index")).content.decode()


def test_the_bureaus_reports_home_links_to_the_yearly_reports(client, bureau_user):
    client.force_login(bureau_user)
    page = client.get(reverse("reports:home")).content.decode()
    assert f'href="{reverse("annual_reports:list")}" data-testid="annual-reports-link"' in page


def test_a_superuser_reaches_the_draft_and_the_answer(client, association_user):
    make_version(2025, by=association_user)
    root = User.objects.create_superuser("root", "root@example.com", "Kx9#quiet-Harbin-2026")
    with at(2026, 1, 5):
        client.force_login(root)
        assert client.get(reverse("annual_reports:draft", kwargs={"year": 2025})).status_code == 200
        url = reverse("annual_reports:version", kwargs={"year": 2025, "number": 1})
        page = client.get(url).content.decode()
    assert 'data-testid="answer-forms"' in page


@pytest.mark.parametrize(
    ("name", "suffix", "content_type"),
    [
        ("draft_pdf", "pdf", "application/pdf"),
        ("draft_xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_draft_is_previewed_as_files_without_freezing_anything(
    client, association_user, name, suffix, content_type
):
    """Uses the real exports (reports.exports)."""
    with at(2026, 6, 1):
        client.force_login(association_user)
        response = client.get(reverse(f"annual_reports:{name}", kwargs={"year": 2026}))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="report-2026-draft.{suffix}"'
    assert len(response.content) > 100
    assert not ReportVersion.objects.exists()
