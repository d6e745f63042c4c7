"""The yearly report's workflow against its services: the written part, submission (a frozen version with
its figures, PDF and workbook), the bureau's answer, e-mails and audit events, and the reminders.

The submission tests call the real exports (reports.exports.render_pdf and render_xlsx): nothing here
stands in for them."""

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from audit.describe import describe
from audit.models import Action, AuditEvent
from registry.models import NotificationLog
from reports.document import version_document
from reports.models import AnnualReport, ReportReminder, ReportVersion, VersionState
from reports.reminders import CATCH_UP_DAYS, reminder_due, reminders_send_report
from reports.services import (
    TEXT_LIMIT,
    annual_report_open,
    report_acknowledge,
    report_return,
    report_submit,
    report_text_update,
)
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

JAN_5 = dt.date(2026, 1, 5)


@pytest.fixture
def report(db):
    return AnnualReport.objects.create(year=2025, work_done="全年受理申请。", problems="", suggestions="")


@pytest.fixture
def association(association_user):
    association_user.email = "assoc@example.cn"
    association_user.save()
    return association_user


@pytest.fixture
def bureau(bureau_user):
    bureau_user.email = "bureau@example.cn"
    bureau_user.save()
    return bureau_user


def _submit(report, by, *, today=JAN_5) -> ReportVersion:
    return report_submit(report=report, by=by, today=today)


# --- the written part -------------------------------------------------------------------------------------
def test_text_is_saved_trimmed_and_audited(report, association):
    report_text_update(report=report, by=association, problems="  材料退回较多\r\n- 表格不统一  ")
    report.refresh_from_db()
    assert report.problems == "材料退回较多\n- 表格不统一"
    assert report.work_done == "全年受理申请。"  # a part not sent stays as it was
    assert report.updated_by == association
    event = AuditEvent.objects.get(action=Action.REPORT_TEXT)
    assert event.detail == {"year": 2025, "parts": ["problems"]}
    assert event.target_id == str(report.pk)


def test_unchanged_text_writes_nothing(report, association):
    report_text_update(report=report, by=association, work_done="全年受理申请。  ")
    report.refresh_from_db()
    assert report.updated_by is None
    assert not AuditEvent.objects.filter(action=Action.REPORT_TEXT).exists()


@pytest.mark.parametrize(
    "hostile",
    [
        "正常\u202etxt.exe",  # a bidi override
        "零宽\u200b字符",
        "响铃\x07",
        "x" * (TEXT_LIMIT + 1),
    ],
)
def test_hostile_text_is_refused_and_changes_nothing(report, association, hostile):
    with pytest.raises(ValidationError) as refused:
        report_text_update(report=report, by=association, work_done="新的工作情况", problems=hostile)
    assert "problems" in refused.value.message_dict
    report.refresh_from_db()
    assert report.work_done == "全年受理申请。"  # the valid part was not saved either
    assert report.problems == ""
    assert not AuditEvent.objects.filter(action=Action.REPORT_TEXT).exists()


def test_a_part_that_is_not_text_is_refused(report, association):
    with pytest.raises(ValidationError):
        report_text_update(report=report, by=association, problems=None)
    report.refresh_from_db()
    assert report.problems == ""


def test_text_at_the_limit_is_accepted(report, association):
    report_text_update(report=report, by=association, suggestions="建" * TEXT_LIMIT)
    report.refresh_from_db()
    assert len(report.suggestions) == TEXT_LIMIT


def test_opening_a_year_creates_it_once():
    first = annual_report_open(year=2026)
    assert annual_report_open(year=2026) == first
    assert AnnualReport.objects.filter(year=2026).count() == 1


# --- submission -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("today", [dt.date(2025, 6, 30), dt.date(2025, 12, 31), dt.date(2024, 1, 5)])
def test_submission_is_refused_before_the_year_is_over(report, association, today):
    with pytest.raises(ValidationError):
        _submit(report, association, today=today)
    assert not ReportVersion.objects.exists()
    assert not NotificationLog.objects.exists()


def test_submission_freezes_figures_text_and_files(report, association, bureau, workday_calendar):
    ApplicationFactory(submitted=True)
    version = _submit(report, association)
    version.refresh_from_db()
    assert version.number == 1
    assert version.state == VersionState.SUBMITTED
    assert version.submitted_by == association
    assert (version.period_start, version.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert version.figures["period"]["year"] == 2025
    assert len(version.figures["sections"]) == 5
    assert version.work_done == "全年受理申请。"
    pdf, xlsx = version.pdf.read(), version.xlsx.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == version.pdf_sha256
    assert hashlib.sha256(xlsx).hexdigest() == version.xlsx_sha256
    book = load_workbook(io.BytesIO(xlsx))
    assert len(book.sheetnames) == 7  # cover, five sections, the written part
    assert re.fullmatch(r"reports/2025/v1/report-2025-v1(_\w+)?\.pdf", version.pdf.name)
    # the checksum printed on the cover is of what was stored, read back from the database
    assert version_document(version).checksum == version.checksum
    cover = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows(min_row=3)}
    assert version.checksum in cover.values()


def test_later_data_and_text_changes_leave_a_version_as_submitted(report, association, workday_calendar):
    version = _submit(report, association)
    version.refresh_from_db()
    stored = (version.figures, version.checksum, version.pdf.read(), version.xlsx.read())
    ApplicationFactory.create_batch(3, submitted=True)
    report_text_update(report=report, by=association, work_done="改过的文字")
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.figures == stored[0]
    assert version.work_done == "全年受理申请。"
    assert version.checksum == stored[1] == version_document(version).checksum
    assert version.pdf.read() == stored[2]
    assert version.xlsx.read() == stored[3]


def test_a_second_submission_supersedes_a_pending_first(report, association, bureau, workday_calendar):
    first = _submit(report, association)
    second = _submit(report, association, today=dt.date(2026, 1, 7))
    first.refresh_from_db()
    assert second.number == 2
    assert first.state == VersionState.SUPERSEDED
    assert second.state == VersionState.SUBMITTED
    assert re.fullmatch(r"reports/2025/v2/report-2025-v2(_\w+)?\.xlsx", second.xlsx.name)
    assert first.pdf.read()  # the first stays readable


def test_a_returned_version_keeps_its_state_when_corrected(report, association, bureau, workday_calendar):
    first = _submit(report, association)
    report_return(version=first, by=bureau, comment="请补充第3节。")
    second = _submit(report, association, today=dt.date(2026, 1, 8))
    first.refresh_from_db()
    assert first.state == VersionState.RETURNED
    assert second.number == 2


def test_submission_queues_the_bureaus_email_and_audits(
    report, association, bureau, workday_calendar, django_capture_on_commit_callbacks
):
    UserFactory(username="bureau_gone", role="bureau", email="gone@example.cn", is_active=False)
    with django_capture_on_commit_callbacks() as callbacks:
        version = _submit(report, association)
    mail = NotificationLog.objects.get(key="report:2025:v1:submitted")
    assert mail.recipient == "bureau@example.cn"  # active bureau users only, not the association
    assert "2025" in mail.subject
    assert callbacks  # delivery is handed over after commit
    event = AuditEvent.objects.get(action=Action.REPORT_SUBMITTED)
    assert event.detail == {"year": 2025, "version": 1, "checksum": version.checksum}
    assert event.actor == association


# --- the bureau's answer ----------------------------------------------------------------------------------
@pytest.mark.parametrize("comment", ["", "   ", "\r\n"])
def test_returning_needs_a_comment(report, association, bureau, workday_calendar, comment):
    version = _submit(report, association)
    with pytest.raises(ValidationError):
        report_return(version=version, by=bureau, comment=comment)
    version.refresh_from_db()
    assert version.state == VersionState.SUBMITTED


def test_a_hostile_comment_is_refused(report, association, bureau, workday_calendar):
    version = _submit(report, association)
    with pytest.raises(ValidationError):
        report_return(version=version, by=bureau, comment="请修改\u202e")
    with pytest.raises(ValidationError):
        report_acknowledge(version=version, by=bureau, comment="x" * (TEXT_LIMIT + 1))
    version.refresh_from_db()
    assert version.state == VersionState.SUBMITTED
    assert not AuditEvent.objects.filter(action=Action.REPORT_ANSWERED).exists()


def test_return_is_once_and_tells_the_association(report, association, bureau, workday_calendar):
    version = _submit(report, association)
    report_return(version=version, by=bureau, comment="第2节数据有误，请核实。")
    version.refresh_from_db()
    assert version.state == VersionState.RETURNED
    assert version.answered_by == bureau
    assert version.bureau_comment == "第2节数据有误，请核实。"
    mail = NotificationLog.objects.get(key="report:2025:v1:returned")
    assert mail.recipient == "assoc@example.cn"
    assert "第2节数据有误，请核实。" in mail.body
    with pytest.raises(ValidationError):
        report_return(version=version, by=bureau, comment="再退回")
    with pytest.raises(ValidationError):
        report_acknowledge(version=version, by=bureau)
    version.refresh_from_db()
    assert version.bureau_comment == "第2节数据有误，请核实。"
    event = AuditEvent.objects.get(action=Action.REPORT_ANSWERED)
    assert event.detail == {"year": 2025, "version": 1, "state": "returned"}


def test_acknowledge_is_once(report, association, bureau, workday_calendar):
    version = _submit(report, association)
    report_acknowledge(version=version, by=bureau)
    version.refresh_from_db()
    assert version.state == VersionState.ACKNOWLEDGED
    assert version.answered_at is not None
    assert NotificationLog.objects.filter(key="report:2025:v1:acknowledged").count() == 1
    with pytest.raises(ValidationError):
        report_acknowledge(version=version, by=bureau)
    assert AuditEvent.objects.filter(action=Action.REPORT_ANSWERED).count() == 1


def test_a_superseded_version_cannot_be_answered(report, association, bureau, workday_calendar):
    first = _submit(report, association)
    _submit(report, association)
    with pytest.raises(ValidationError):
        report_acknowledge(version=first, by=bureau)


# --- reminders --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2025, 12, 20), (dt.date(2025, 12, 20), 2025, "association")),
        (dt.date(2025, 12, 26), (dt.date(2025, 12, 20), 2025, "association")),  # catching up
        (dt.date(2026, 1, 3), (dt.date(2026, 1, 3), 2025, "association")),
        (dt.date(2026, 1, 8), (dt.date(2026, 1, 8), 2025, "association")),
        (dt.date(2026, 1, 10), (dt.date(2026, 1, 8), 2025, "association")),
        (dt.date(2026, 1, 11), (dt.date(2026, 1, 11), 2025, "bureau")),
        (dt.date(2026, 1, 17), (dt.date(2026, 1, 11), 2025, "bureau")),
        (dt.date(2026, 1, 18), None),  # past the catch-up window
        (dt.date(2025, 12, 19), None),
        (dt.date(2026, 1, 2), None),
        (dt.date(2026, 6, 1), None),
    ],
)
def test_reminder_due(today, due):
    assert reminder_due(today) == due


def test_catch_up_window_is_a_week():
    assert CATCH_UP_DAYS == 7


def test_association_reminder_is_sent_once(association, bureau):
    assert reminders_send_report(today=dt.date(2025, 12, 20)) == 1
    assert reminders_send_report(today=dt.date(2025, 12, 21)) == 0  # the same reminder, caught up: not again
    reminder = ReportReminder.objects.get()
    assert (reminder.year, reminder.audience, reminder.recipients) == (2025, "association", 1)
    mail = NotificationLog.objects.get(key="report-reminder:2025:2025-12-20:association")
    assert mail.recipient == "assoc@example.cn"
    assert "2026-01-10" in mail.body


def test_every_reminder_of_the_schedule_is_sent(association, bureau):
    days = [dt.date(2025, 12, 20), dt.date(2026, 1, 3), dt.date(2026, 1, 8), dt.date(2026, 1, 11)]
    assert [reminders_send_report(today=day) for day in days] == [1, 1, 1, 1]
    assert ReportReminder.objects.count() == 4
    bureau_mail = NotificationLog.objects.get(key="report-reminder:2025:2026-01-11:bureau")
    assert bureau_mail.recipient == "bureau@example.cn"
    assert NotificationLog.objects.filter(recipient="assoc@example.cn").count() == 3


def test_no_reminder_once_submitted(report, association, bureau, workday_calendar):
    _submit(report, association)
    assert reminders_send_report(today=dt.date(2026, 1, 8)) == 0
    assert reminders_send_report(today=dt.date(2026, 1, 11)) == 0
    assert not ReportReminder.objects.exists()


def test_a_returned_report_is_not_submitted(report, association, bureau, workday_calendar):
    version = _submit(report, association)
    report_return(version=version, by=bureau, comment="请修改。")
    assert reminders_send_report(today=dt.date(2026, 1, 11)) == 1
    assert ReportReminder.objects.get().audience == "bureau"


def test_no_reminder_on_other_days(association):
    assert reminders_send_report(today=dt.date(2026, 3, 1)) == 0
    assert not NotificationLog.objects.exists()


# --- the audit trail reads in words -----------------------------------------------------------------------
def test_report_events_read_as_labelled_lines(report, association, bureau, workday_calendar):
    report_text_update(report=report, by=association, work_done="新", suggestions="建议")
    version = _submit(report, association)
    report_return(version=version, by=bureau, comment="请修改。")
    raw_keys = {"year", "version", "parts", "checksum", "state"}
    for action in (Action.REPORT_TEXT, Action.REPORT_SUBMITTED, Action.REPORT_ANSWERED):
        lines = describe(AuditEvent.objects.get(action=action))
        assert lines, action
        assert not raw_keys & {label for label, _value in lines}, (action, lines)
        assert not any(value in ("returned", "work_done", "suggestions") for _label, value in lines)
    work_done, suggestions = (
        str(AnnualReport._meta.get_field(name).verbose_name) for name in ("work_done", "suggestions")
    )
    text_lines = describe(AuditEvent.objects.get(action=Action.REPORT_TEXT))
    assert text_lines[0][1] == "2025"
    assert text_lines[1][1] == f"{work_done}、{suggestions}"
    answered = [value for _label, value in describe(AuditEvent.objects.get(action=Action.REPORT_ANSWERED))]
    assert answered == ["2025", "1", str(VersionState.RETURNED.label)]
    submitted = [value for _label, value in describe(AuditEvent.objects.get(action=Action.REPORT_SUBMITTED))]
    assert submitted == ["2025", "1", version.checksum]


def test_an_odd_old_event_still_reads():
    event = AuditEvent(action=Action.REPORT_ANSWERED, detail={"state": "lost", "extra": 1})
    assert [value for _label, value in describe(event)] == ["lost", "1"]
    event = AuditEvent(action=Action.REPORT_TEXT, detail={"parts": ["gone_field"]})
    assert [value for _label, value in describe(event)] == ["gone_field"]
