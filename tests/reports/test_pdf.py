"""The yearly report as a PDF, read back with poppler (pdftotext, pdffonts, pdftoppm) the way a reader would.

Two kinds of input: the figures computed by `report_figures` over a small factory data set, and a
hand-made figures dict in the documented shape (reports.figures.common) whose values are known here.
"""

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from reports.document import ISSUER, RECIPIENT, ReportDocument
from reports.exports.pdf import render_pdf
from reports.figures import Period, report_figures
from tests.factories import ApplicationFactory, RegistrationCertificateFactory

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdffonts, pdftoppm)"
)

HOSTILE = '<b>加粗</b> & AT&T ]]> <para> <font name="x"> <img src="/etc/passwd"/> &amp; 100% "引号"'


def _poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    return _poppler("pdftotext", pdf, tmp_path, "-layout").split("\f")[:-1]


def _png(pdf: bytes, tmp_path: Path, page: int) -> Image.Image:
    (tmp_path / "report.pdf").write_bytes(pdf)
    stem = tmp_path / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(tmp_path / "report.pdf"),
            str(stem),
        ],
        check=True,
    )
    return Image.open(f"{stem}.png").convert("RGB")


def _rgb(image: Image.Image) -> list[tuple[int, int, int]]:
    data = image.tobytes()
    return list(zip(data[0::3], data[1::3], data[2::3], strict=True))


def _non_white(image: Image.Image) -> int:
    return sum(1 for pixel in _rgb(image) if min(pixel) < 200)


def _coloured(image: Image.Image) -> int:
    """Pixels clearly coloured (not black, grey or white): what the bars and slices are drawn in."""
    return sum(1 for r, g, b in _rgb(image) if max(r, g, b) - min(r, g, b) > 60)


def _zh(message: str, **values: object) -> str:
    with translation.override("zh-hans"):
        text = gettext(message)
    return text % values if values else text


def _chart(key, kind, categories, series, *, title, unit=""):
    return {
        "key": key,
        "title": title,
        "type": kind,
        "categories": categories,
        "series": [{"name": name, "data": data} for name, data in series],
        "unit": unit,
    }


def _figures() -> dict:
    """A hand-made report in the shape of reports.figures.common, with values whose printing is known."""
    wide_columns = [
        "阶段",
        "已决定",
        "按时",
        "按时率（%）",
        "中位数",
        "第90百分位",
        "视为受理",
        "期末未办结",
        "其中逾期",
    ]
    long_rows = [
        {"key": f"p{i}", "cells": [f"项目{i:03d}号计量专业项目名称", i, i * 2]} for i in range(1, 121)
    ]
    return {
        "schema": 1,
        "period": {
            "start": "2025-01-01",
            "end": "2025-12-31",
            "as_of": "2025-12-31",
            "year": 2025,
            "label": "2025年度",
        },
        "computed_at": "2026-01-05T09:00:00+08:00",
        "sections": [
            {
                "key": "applications",
                "number": 1,
                "title": "受理与审批情况",
                "notes": ["按材料收到之月计数。"],
                "tables": [
                    {
                        "key": "received",
                        "title": "收到的申请",
                        "columns": ["申请类别", "一级", "二级", "合计"],
                        "rows": [
                            {"key": "initial", "cells": ["初始注册", 12345, 6, 12351]},
                            {"key": "renewal", "cells": ["延续注册", None, "<3", 67.8]},
                        ],
                        "total": ["合计", 12345, 6, 12418.8],
                    }
                ],
                "charts": [
                    _chart(
                        "received",
                        "bar",
                        ["初始注册", "延续注册"],
                        [("一级", [12345, None]), ("二级", [6, 2])],
                        title="收到的申请（柱状图）",
                    ),
                    _chart(
                        "months",
                        "stacked",
                        ["一月", "二月", "三月"],
                        [("初始注册", [5, 3, 9]), ("延续注册", [1, None, 4])],
                        title="各月申请（堆叠）",
                    ),
                ],
                "empty": "",
            },
            {
                "key": "deadlines",
                "number": 2,
                "title": "工作日时限",
                "notes": [],
                "tables": [
                    {
                        "key": "stages",
                        "title": "各环节时限",
                        "columns": wide_columns,
                        "rows": [
                            {
                                "key": "acceptance",
                                "cells": ["受理（5个工作日）", 981, 975, 99.4, 2, 4, 6, 3, 1],
                            },
                            {
                                "key": "approval",
                                "cells": ["审批（10个工作日）", 970, 970, 100.0, 6, 9, 0, 12, 0],
                            },
                        ],
                        "total": None,
                    },
                    {
                        "key": "projects",
                        "title": "长表：按项目",
                        "columns": ["项目", "证书", "人次"],
                        "rows": long_rows,
                        "total": ["合计", 7260, 14520],
                    },
                ],
                "charts": [
                    _chart(
                        "by_category",
                        "hbar",
                        [f"{i:02d} 类别名称相当长的一个计量类别{i}" for i in range(1, 9)],
                        [("证书", [i * 3 for i in range(1, 9)])],
                        title="按类别（横向）",
                    ),
                    _chart(
                        "trend",
                        "line",
                        ["一月", "二月", "三月", "四月"],
                        [("2024年", [3, None, 5, 8]), ("2025年", [1, 2, 6, None])],
                        title="同比走势",
                        unit="%",
                    ),
                    _chart("share", "pie", ["一级", "二级"], [("证书", [40, 60])], title="按级别占比"),
                    _chart("nothing", "bar", [], [("证书", [])], title="无数据的图"),
                ],
                "empty": "",
            },
            {
                "key": "followup",
                "number": 5,
                "title": "继续教育与监督检查",
                "notes": [],
                "tables": [],
                "charts": [],
                "empty": "本期尚无继续教育和监督检查记录。",
            },
        ],
    }


def _document(**changes) -> ReportDocument:
    values = {
        "figures": _figures(),
        "work_done": "全年受理申请。\n\n第二段：" + HOSTILE,
        "problems": "",
        "suggestions": "建议：x < y && y > z\x00\x07",
        "version": 2,
        "submitted_by": "王芳",
        "submitted_at": dt.datetime(2026, 1, 6, 2, 30, tzinfo=dt.UTC),
    }
    values.update(changes)
    return ReportDocument(**values)


def test_the_cover_names_the_report_its_period_version_submitter_and_checksum(tmp_path):
    document = _document()
    pdf = render_pdf(document)
    cover = _squash(_pages(pdf, tmp_path)[0])
    with translation.override("zh-hans"):
        title = document.title
    for expected in (
        title,
        "2025年度",
        "2025-01-01",
        "2025-12-31",
        "王芳",
        ISSUER,
        RECIPIENT,
        document.checksum,
    ):
        assert _squash(expected) in cover, expected
    assert _squash(_zh("Version %(number)s", number=2)) in cover
    assert "2026-01-0610:30" in cover  # submitted at, in Beijing time
    assert _squash(_zh("Draft (not submitted)")) not in cover


def test_a_draft_says_it_is_not_submitted(tmp_path):
    pdf = render_pdf(_document(version=None, submitted_by="", submitted_at=None))
    cover = _squash(_pages(pdf, tmp_path)[0])
    assert _squash(_zh("Draft (not submitted)")) in cover
    assert "王芳" not in cover


def test_sections_tables_and_values_print_as_documented(tmp_path):
    document = _document()
    text = _squash(_poppler("pdftotext", render_pdf(document), tmp_path))
    for heading in ("1.受理与审批情况", "2.工作日时限", "5.继续教育与监督检查"):
        assert heading in text
    assert _squash(f"6. {_zh('Work done, problems met and suggestions')}") in text
    # ints as they are, floats with one decimal, None as a dash, the small-count mark as is
    for value in ("初始注册", "12345", "12351", "67.8", "12418.8", "—", "<3", "99.4", "100.0"):
        assert value in text, value
    assert "按材料收到之月计数。" in text  # a note
    assert "本期尚无继续教育和监督检查记录。" in text  # the `empty` sentence of a section without data
    assert _squash(_zh("No data to draw.")) in text  # a chart with no categories


def test_every_page_but_the_cover_is_numbered_out_of_the_total(tmp_path):
    pages = _pages(render_pdf(_document()), tmp_path)
    assert len(pages) >= 4
    total = len(pages) - 1
    first = _squash(_zh("Page %(number)s of %(total)s", number=1, total=total))
    assert first not in _squash(pages[0])
    for number, page in enumerate(pages[1:], 1):
        assert _squash(_zh("Page %(number)s of %(total)s", number=number, total=total)) in _squash(page)


def test_a_long_table_continues_on_the_next_page_with_its_header_repeated(tmp_path):
    pages = [_squash(p) for p in _pages(render_pdf(_document()), tmp_path)]
    holding = [i for i, page in enumerate(pages) if "项目001号" in page or "项目120号" in page]
    first, last = holding[0], holding[-1]
    assert last > first, "120 rows fit on one page?"
    assert "项目001号" in pages[first]
    assert "项目120号" in pages[last]
    assert all(re.search("项目证书人次", pages[i]) for i in range(first, last + 1))
    assert "7260" in pages[last]
    assert "14520" in pages[last]


def test_a_nine_column_table_fits_the_page_width(tmp_path):
    pdf = render_pdf(_document())
    boxes = _poppler("pdftotext", pdf, tmp_path, "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert right_edges
    assert max(right_edges) <= page_width - 40  # inside the right margin (18 mm ≈ 51 pt)
    text = _squash(_poppler("pdftotext", pdf, tmp_path))
    assert "981" in text
    assert "975" in text


def test_the_fonts_are_embedded_and_the_chinese_font_is_one_of_them(tmp_path):
    fonts = _poppler("pdffonts", render_pdf(_document()), tmp_path).splitlines()[2:]
    assert any("WenQuanYiMicroHei" in line for line in fonts)
    for line in fonts:
        emb, sub = line.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), line


def test_hostile_written_text_prints_literally(tmp_path):
    text = _squash(_poppler("pdftotext", render_pdf(_document()), tmp_path))
    assert _squash(HOSTILE) in text
    assert "建议：x<y&&y>z" in text
    assert "第二段" in text
    assert "全年受理申请。" in text
    assert _squash(_zh("(Not written.)")) in text  # the empty "problems met"


def test_hostile_text_in_the_figures_prints_literally(tmp_path):
    figures = _figures()
    figures["sections"][0]["title"] = "标题<i>&"
    figures["sections"][0]["tables"][0]["rows"][0]["cells"][0] = "<u>行</u>&amp;"
    figures["sections"][0]["charts"][0]["categories"][0] = "<b>类别</b>"
    text = _squash(_poppler("pdftotext", render_pdf(_document(figures=figures)), tmp_path))
    assert "1.标题<i>&" in text
    assert "<u>行</u>&amp;" in text


def test_the_cover_and_a_chart_page_are_drawn_and_the_bars_are_in_colour(tmp_path):
    pdf = render_pdf(_document())
    cover = _png(pdf, tmp_path, 1)
    assert _non_white(cover) > 500
    pages = _pages(pdf, tmp_path)
    chart_page = next(i for i, page in enumerate(pages, 1) if "各月申请（堆叠）" in page)
    drawn = _png(pdf, tmp_path, chart_page)
    assert _coloured(drawn) > 400, "no coloured bars on the chart page"
    assert _coloured(cover) < _coloured(drawn)


def test_the_same_document_renders_the_same_pdf():
    document = _document()
    assert render_pdf(document) == render_pdf(document)


def test_a_different_checksum_is_printed_when_the_text_changes(tmp_path):
    one, two = _document(), _document(problems="新问题")
    assert one.checksum != two.checksum
    assert two.checksum in _squash(_poppler("pdftotext", render_pdf(two), tmp_path))
    assert one.checksum not in _squash(_poppler("pdftotext", render_pdf(two), tmp_path))


@pytest.mark.django_db
def test_the_computed_figures_render_with_no_query(tmp_path, django_assert_num_queries):
    today = timezone.localdate()
    ApplicationFactory(accepted=True)
    ApplicationFactory(submitted=True)
    RegistrationCertificateFactory()
    with translation.override("zh-hans"):
        figures = report_figures(Period.of_year(today.year, today=today))
    document = ReportDocument(figures=figures, work_done="已完成。", problems="", suggestions="")
    with django_assert_num_queries(0):
        pdf = render_pdf(document)
    pages = _pages(pdf, tmp_path)
    text = _squash("".join(pages))
    for section in figures["sections"]:
        assert _squash(f"{section['number']}. {section['title']}") in text
        if section["empty"]:
            assert _squash(section["empty"]) in text
    for table in figures["sections"][0]["tables"]:
        assert _squash(table["title"]) in text
    received = figures["sections"][0]["tables"][0]
    assert _squash(received["rows"][0]["cells"][0]) in text
    assert document.checksum in text
    chart_page = next(
        i
        for i, page in enumerate(pages, 1)
        if _squash(figures["sections"][0]["charts"][0]["title"]) in _squash(page)
    )
    assert _coloured(_png(pdf, tmp_path, chart_page)) > 100
