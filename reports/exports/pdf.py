"""The report as a PDF (A4, embedded Chinese font, charts drawn in the PDF, page numbers, a cover).

Like the certificate and the written decisions (registry.pdf), the renderer reads nothing but its
`ReportDocument` and the shipped font: no query, no clock, no random id, so the same document prints the same
text. It draws with the zh-hans catalogue active: the report goes to the bureau in Chinese whatever the
language of the request. Tables are platypus Tables (header repeated on each page, numbers right-aligned);
charts are reportlab.graphics drawings, so they print sharp and need nothing from a browser.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from registry.pdf.fonts import FONT_NAME, FONT_PATH, register_font
from reports.document import ISSUER, RECIPIENT, ReportDocument

PAGE_WIDTH, PAGE_HEIGHT = A4
_MARGIN_X = 18 * mm
_MARGIN_TOP = 20 * mm
_MARGIN_BOTTOM = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * _MARGIN_X

MONO_FONT_NAME = "WenQuanYiMicroHeiMono"  # the collection's second face: fixed-width, for the checksum
DARK = colors.HexColor("#1f2329")
GREY = colors.HexColor("#666666")
GRID = colors.HexColor("#b8bec6")
HEADER_FILL = colors.HexColor("#e8edf4")
TOTAL_FILL = colors.HexColor("#f3f4f6")
# The page's charts (Apache ECharts' default palette), so the PDF and the page colour a series alike.
PALETTE = [
    colors.HexColor(c)
    for c in (
        "#5470c6",
        "#91cc75",
        "#fac858",
        "#ee6666",
        "#73c0de",
        "#3ba272",
        "#fc8452",
        "#9a60b4",
        "#ea7ccc",
    )
]
SMALL_MARK = "<3"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def render_pdf(document: ReportDocument) -> bytes:
    """The report as PDF bytes. Pure: reads nothing but `document` and the shipped font."""
    register_font()
    _register_mono_font()
    with translation.override("zh-hans"):
        footer = _footer_text(document)
        buffer = io.BytesIO()
        template = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=_MARGIN_X,
            rightMargin=_MARGIN_X,
            topMargin=_MARGIN_TOP,
            bottomMargin=_MARGIN_BOTTOM,
            title=document.title,
            author=ISSUER,
            subject=footer,
            invariant=True,
            pageCompression=1,
            initialFontName=FONT_NAME,
        )
        template.build(_story(document), canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _register_mono_font() -> None:
    pdfmetrics.registerFont(TTFont(MONO_FONT_NAME, str(FONT_PATH), subfontIndex=1))


def _footer_text(document: ReportDocument) -> str:
    return f"{document.title} · {_version_text(document)}"


def _version_text(document: ReportDocument) -> str:
    if document.version is None:
        return _("Draft (not submitted)")
    return _("Version %(number)s") % {"number": document.version}


# --- pages -----------------------------------------------------------------------------------------------


def _numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas that holds every page until the end, so each can say how many pages there are. The cover
    is not numbered; the pages after it are numbered from 1."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages) - 1
            for index, state in enumerate(self._pages):
                self.__dict__.update(state)
                if index > 0:
                    self._draw_footer(index, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            self.saveState()
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            self.line(_MARGIN_X, 15 * mm, PAGE_WIDTH - _MARGIN_X, 15 * mm)
            self.setFont(FONT_NAME, 7.5)
            self.setFillColor(GREY)
            self.drawString(
                _MARGIN_X, 10.5 * mm, _truncate_to_width(footer, FONT_NAME, 7.5, FRAME_WIDTH * 0.7)
            )
            self.drawRightString(
                PAGE_WIDTH - _MARGIN_X,
                10.5 * mm,
                _("Page %(number)s of %(total)s") % {"number": number, "total": total},
            )
            self.restoreState()

    return NumberedCanvas


# --- text ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _style(
    size: float,
    *,
    align: int = 0,
    colour: str = "#1f2329",
    font: str = FONT_NAME,
    before: float = 0,
    after: float = 0,
    keep: bool = False,
    leading: float = 1.5,
) -> ParagraphStyle:
    return ParagraphStyle(
        f"report-{size}-{align}-{colour}-{font}-{before}-{after}-{keep}-{leading}",
        fontName=font,
        fontSize=size,
        leading=size * leading,
        textColor=colors.HexColor(colour),
        wordWrap="CJK",
        alignment=align,
        spaceBefore=before,
        spaceAfter=after,
        keepWithNext=keep,
    )


def _markup(text: Any) -> str:
    """Text as Paragraph markup that prints literally: escaped, control characters dropped, lines kept."""
    clean = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return escape(clean).replace("\n", "<br/>")


def _para(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(text), style)


def _truncate_to_width(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


# --- the story -------------------------------------------------------------------------------------------


def _story(document: ReportDocument) -> list:
    story = _cover(document)
    story.append(PageBreak())
    for section in document.sections:
        story += _section(section)
    story += _written_part(document, number=max((s["number"] for s in document.sections), default=5) + 1)
    return story


def _cover(document: ReportDocument) -> list:
    period = document.period
    label = _style(10.5, colour="#666666")
    value = _style(12)
    rows: list[tuple[str, Any]] = [
        (_("Period"), period.get("label", "")),
        (_("Dates"), _("%(start)s to %(end)s") % {"start": period["start"], "end": period["end"]}),
        (_("Figures as of"), period.get("as_of", "")),
        (_("Version"), _version_text(document)),
    ]
    if document.version is not None:
        submitted_at = document.submitted_at
        when = timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M") if submitted_at else "—"
        rows += [(_("Submitted by"), document.submitted_by or "—"), (_("Submitted at"), when)]
    rows += [(_("Reported by"), ISSUER), (_("Reported to"), RECIPIENT)]
    fields = Table(
        [[_para(name, label), _para(text, value)] for name, text in rows],
        colWidths=[38 * mm, FRAME_WIDTH - 38 * mm],
        hAlign="CENTER",
    )
    fields.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [
        Spacer(0, 45 * mm),
        _para(ISSUER, _style(14, align=TA_CENTER, colour="#666666")),
        Spacer(0, 8 * mm),
        _para(document.title, _style(22, align=TA_CENTER, leading=1.45)),
        Spacer(0, 6 * mm),
        _para(_version_text(document), _style(14, align=TA_CENTER, colour="#b42318")),
        Spacer(0, 22 * mm),
        fields,
        Spacer(0, 10 * mm),
        _para(_("Checksum (SHA-256) of the figures and the text:"), _style(9, colour="#666666")),
        _para(document.checksum, _style(8.5, font=MONO_FONT_NAME)),
    ]


def _section(section: dict[str, Any]) -> list:
    heading = f"{section['number']}. {section['title']}"
    story: list = [CondPageBreak(40 * mm), _para(heading, _style(15, before=6, after=6, keep=True))]
    if section.get("empty"):
        story.append(_para(section["empty"], _style(10.5, colour="#b42318", after=6)))
    for table in section.get("tables", ()):
        story += _table(table)
    for chart in section.get("charts", ()):
        story.append(_chart_block(chart))
    notes = section.get("notes") or ()
    if notes:
        story.append(_para(_("Notes"), _style(9.5, before=4, after=2, keep=True)))
        story += [
            _para(f"{i}. {note}", _style(8.5, colour="#444444", after=2)) for i, note in enumerate(notes, 1)
        ]
    story.append(Spacer(0, 6 * mm))
    return story


def _written_part(document: ReportDocument, *, number: int) -> list:
    story: list = [
        CondPageBreak(40 * mm),
        _para(
            f"{number}. {_('Work done, problems met and suggestions')}",
            _style(15, before=6, after=6, keep=True),
        ),
    ]
    for heading, text in document.written_part():
        story.append(_para(heading, _style(12, before=6, after=3, keep=True)))
        story += [_para(part, _style(10.5, after=4)) for part in str(text).split("\n\n")]
    return story


# --- tables ----------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A table value as printed: None is a dash, a rate or a number of days has one decimal."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _is_number(value: Any) -> bool:
    return value is None or value == SMALL_MARK or isinstance(value, (int, float))


def _table(table: dict[str, Any]) -> list:
    columns = table.get("columns") or []
    rows = [row["cells"] for row in table.get("rows", ())]
    total = table.get("total")
    width = max([len(columns), *(len(r) for r in rows), len(total or ())])
    title = _para(table.get("title", ""), _style(10.5, before=4, after=3, keep=True))
    if not rows:
        return [title, _para(_("Nothing to count in this period."), _style(9, colour="#666666", after=6))]
    body = [*rows, *([total] if total else [])]
    numeric = [all(_is_number(r[i]) for r in body if i < len(r)) for i in range(width)]
    size = 9 if width <= 4 else (8 if width <= 6 else 7)
    text_style = _style(size, leading=1.3)
    head_style = _style(size, leading=1.3, colour="#1f2329")
    number_style = _style(size, align=TA_RIGHT, leading=1.3)
    weights = [1.0 if numeric[i] else 2.6 for i in range(width)]
    if not numeric[0]:
        weights[0] = 3.2
    scale = FRAME_WIDTH / sum(weights)

    def line(cells: Sequence[Any]) -> list:
        padded = [*cells, *[""] * (width - len(cells))]
        return [_para(cell_text(v), number_style if numeric[i] else text_style) for i, v in enumerate(padded)]

    header = [
        _para(c, _style(size, align=TA_RIGHT, leading=1.3) if numeric[i] else head_style)
        for i, c in enumerate([*columns, *[""] * (width - len(columns))])
    ]
    data = [header, *(line(r) for r in rows)]
    commands: list = [
        ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if total:
        data.append([_BoldCell(cell_text(v), size, right=numeric[i]) for i, v in enumerate(total)])
        data[-1] += [""] * (width - len(total))
        commands += [
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
            ("LINEABOVE", (0, -1), (-1, -1), 1.0, DARK),
        ]
    grid = Table(data, colWidths=[w * scale for w in weights], repeatRows=1, splitByRow=1, hAlign="LEFT")
    grid.setStyle(TableStyle(commands))
    return [title, grid, Spacer(0, 5 * mm)]


class _BoldCell(Paragraph):
    """A total row's cell: the embedded font has no bold face, so the glyphs are filled and stroked."""

    def __init__(self, text: str, size: float, *, right: bool) -> None:
        super().__init__(_markup(text), _style(size, align=TA_RIGHT if right else 0, leading=1.3))

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setLineWidth(0.35)
        self.canv.setStrokeColor(DARK)
        code = self.canv._code  # everything drawn from here is filled and stroked (text render mode 2)
        code.append("2 Tr")
        super().draw()
        code.append("0 Tr")
        self.canv.restoreState()


# --- charts ----------------------------------------------------------------------------------------------

_LABEL_SIZE = 7
_CHART_HEIGHT = 190


def _chart_block(chart: dict[str, Any]) -> KeepTogether:
    title = chart.get("title", "")
    if chart.get("unit"):
        title = f"{title}（{chart['unit']}）"
    heading = _para(title, _style(10, before=4, after=2, keep=True))
    return KeepTogether([heading, chart_drawing(chart), Spacer(0, 5 * mm)])


def chart_drawing(chart: dict[str, Any], width: float = FRAME_WIDTH) -> Drawing:
    """One chart of the figures as a reportlab drawing; a chart with nothing to draw says so."""
    categories = [str(c) for c in chart.get("categories") or ()]
    series = [s for s in chart.get("series") or () if s.get("data")]
    values = [v for s in series for v in s["data"] if isinstance(v, (int, float))]
    if not categories or not series:
        drawing = _drawing(width, 24)
        drawing.add(String(0, 8, _("No data to draw."), fontName=FONT_NAME, fontSize=9, fillColor=GREY))
        return drawing
    kind = chart.get("type")
    if kind == "pie":
        return _pie(categories, series[0], width, has_values=any(v > 0 for v in values))
    if kind == "hbar":
        return _hbar(categories, series, width)
    return _columns(categories, series, width, stacked=kind == "stacked", line=kind == "line")


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT_NAME  # else the renderer starts each drawing in (unembedded) Helvetica
    drawing.initialFontSize = _LABEL_SIZE
    return drawing


def _numbers(data: Sequence[Any], count: int, *, gaps: bool = False) -> list:
    out = [
        v if isinstance(v, (int, float)) and not isinstance(v, bool) else (None if gaps else 0) for v in data
    ]
    return (out + [None if gaps else 0] * count)[:count]


def _top(series: list[list], stacked: bool) -> float:
    if stacked:
        sums = [sum(v or 0 for v in column) for column in zip(*series, strict=False)]
        top = max(sums, default=0)
    else:
        top = max((v for row in series for v in row if v is not None), default=0)
    return top


def _nice_axis(axis: Any, top: float) -> None:
    axis.valueMin = 0
    if top <= 0:
        axis.valueMax, axis.valueStep = 1, 1
        return
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1:
        step = 1
    axis.valueStep = step
    axis.valueMax = step * math.ceil(top / step)
    axis.labelTextFormat = (lambda v: f"{v:g}") if step != int(step) else (lambda v: f"{int(v)}")


def _style_axis_labels(axis: Any) -> None:
    axis.labels.fontName = FONT_NAME
    axis.labels.fontSize = _LABEL_SIZE
    axis.labels.fillColor = DARK
    axis.strokeColor = GRID


def _legend(series: list[dict[str, Any]], width: float) -> tuple[Legend | None, float]:
    """A legend under the chart for more than one series, laid out in as many columns as fit."""
    if len(series) < 2:
        return None, 0
    names = [_truncate_to_width(str(s["name"]), FONT_NAME, _LABEL_SIZE, width / 2 - 20) for s in series]
    column_width = max(pdfmetrics.stringWidth(n, FONT_NAME, _LABEL_SIZE) for n in names) + 22
    columns = max(1, min(len(names), int(width // column_width)))
    rows = math.ceil(len(names) / columns)
    legend = Legend()
    legend.fontName = FONT_NAME
    legend.fontSize = _LABEL_SIZE
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = rows
    legend.deltax = column_width
    legend.dx, legend.dy = 8, 7
    legend.dxTextSpace = 4
    legend.deltay = 11
    legend.variColumn = 1
    legend.strokeWidth = 0
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
    return legend, rows * 11 + 6


def _category_labels(categories: list[str], slot: float) -> tuple[list[str], float]:
    """The category names as drawn, and the angle: long or many names are truncated and slanted."""
    longest = max(pdfmetrics.stringWidth(c, FONT_NAME, _LABEL_SIZE) for c in categories)
    if longest <= slot - 4:
        return categories, 0
    names = [_truncate_to_width(c, FONT_NAME, _LABEL_SIZE, 80) for c in categories]
    return names, 35


def _columns(
    categories: list[str], series: list[dict[str, Any]], width: float, *, stacked: bool, line: bool
) -> Drawing:
    count = len(categories)
    data = [_numbers(s["data"], count, gaps=line) for s in series]
    legend, legend_height = _legend(series, width)
    left, right = 36, 10
    plot_width = width - left - right
    names, angle = _category_labels(categories, plot_width / count)
    label_height = (
        14 if angle == 0 else 8 + max(pdfmetrics.stringWidth(n, FONT_NAME, _LABEL_SIZE) for n in names) * 0.6
    )
    height = _CHART_HEIGHT + label_height + legend_height
    drawing = _drawing(width, height)
    plot = HorizontalLineChart() if line else VerticalBarChart()
    plot.x, plot.y = left, legend_height + label_height
    plot.width, plot.height = plot_width, _CHART_HEIGHT - 10
    plot.data = data
    plot.categoryAxis.categoryNames = names
    _style_axis_labels(plot.categoryAxis)
    _style_axis_labels(plot.valueAxis)
    if angle:
        plot.categoryAxis.labels.angle = angle
        plot.categoryAxis.labels.boxAnchor = "ne"
        plot.categoryAxis.labels.dx = 2
        plot.categoryAxis.labels.dy = -2
    _nice_axis(plot.valueAxis, _top(data, stacked))
    plot.valueAxis.visibleGrid = 1
    plot.valueAxis.gridStrokeColor = colors.HexColor("#e5e7eb")
    if line:
        for i in range(len(data)):
            plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
            plot.lines[i].strokeWidth = 1.6
    else:
        if stacked:
            plot.categoryAxis.style = "stacked"
        plot.barSpacing = 0.5
        plot.groupSpacing = 4 if count > 12 else 8
        plot.bars.strokeWidth = 0
        plot.bars.strokeColor = None
        for i in range(len(data)):
            plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(plot)
    if legend is not None:
        legend.x, legend.y = left, legend_height - 2
        drawing.add(legend)
    return drawing


def _hbar(categories: list[str], series: list[dict[str, Any]], width: float) -> Drawing:
    # reportlab draws the first category at the bottom; the figures list them top-down.
    count = len(categories)
    data = [list(reversed(_numbers(s["data"], count))) for s in series]
    names = [_truncate_to_width(c, FONT_NAME, _LABEL_SIZE, 130) for c in reversed(categories)]
    left = min(140, max(pdfmetrics.stringWidth(n, FONT_NAME, _LABEL_SIZE) for n in names) + 10)
    legend, legend_height = _legend(series, width)
    plot_height = max(60, count * (10 + 4 * len(series)))
    height = plot_height + 22 + legend_height
    drawing = _drawing(width, height)
    plot = HorizontalBarChart()
    plot.x, plot.y = left, legend_height + 16
    plot.width, plot.height = width - left - 12, plot_height
    plot.data = data
    plot.categoryAxis.categoryNames = names
    _style_axis_labels(plot.categoryAxis)
    _style_axis_labels(plot.valueAxis)
    _nice_axis(plot.valueAxis, _top(data, False))
    plot.valueAxis.visibleGrid = 1
    plot.valueAxis.gridStrokeColor = colors.HexColor("#e5e7eb")
    plot.bars.strokeWidth = 0
    plot.bars.strokeColor = None
    plot.barSpacing = 0.5
    plot.groupSpacing = 3
    for i in range(len(data)):
        plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(plot)
    if legend is not None:
        legend.x, legend.y = left, legend_height - 2
        drawing.add(legend)
    return drawing


def _pie(categories: list[str], series: dict[str, Any], width: float, *, has_values: bool) -> Drawing:
    values = _numbers(series["data"], len(categories))
    if not has_values:
        drawing = _drawing(width, 24)
        drawing.add(String(0, 8, _("No data to draw."), fontName=FONT_NAME, fontSize=9, fillColor=GREY))
        return drawing
    size = 140
    drawing = _drawing(width, size + 20)
    pie = Pie()
    pie.x, pie.y = 20, 10
    pie.width = pie.height = size
    shown = [(c, v) for c, v in zip(categories, values, strict=True) if v > 0]
    pie.data = [v for _c, v in shown]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.8
    for i in range(len(shown)):
        pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(pie)
    legend = Legend()
    legend.fontName = FONT_NAME
    legend.fontSize = _LABEL_SIZE
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.x, legend.y = size + 50, size + 10
    legend.columnMaximum = max(1, int(size // 11))
    legend.deltay = 11
    legend.dx, legend.dy = 8, 7
    legend.strokeWidth = 0
    legend.deltax = 150
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], f"{_truncate_to_width(c, FONT_NAME, _LABEL_SIZE, 110)}  {cell_text(v)}")
        for i, (c, v) in enumerate(shown)
    ]
    drawing.add(legend)
    return drawing
