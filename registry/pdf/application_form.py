"""The blank application form (申请表) the pilot plan asks for, as a printable A4 PDF, one per kind.

The plan names 初始注册申请表, 变更注册申请表 and 注销注册申请表 among the materials; renewal uses the
same layout under its own title. The form is a Chinese document whatever the page language (like the
certificate and the decisions); the employer prints it, fills it in by hand, has it signed and sealed, and
uploads the scan as the "application form" material. It prints nothing about anyone: it is blank.
"""

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from registry.workflow import ApplicationKind

from .document import ISSUING_BODY
from .fonts import FONT_NAME, register_font

K = ApplicationKind
TITLES = {
    K.INITIAL: "企业注册计量师初始注册申请表",
    K.CHANGE_SPECIALTY: "企业注册计量师变更注册申请表（变更计量专业项目）",
    K.CHANGE_EMPLOYER_NAME: "企业注册计量师变更注册申请表（执业单位更名）",
    K.CHANGE_EMPLOYER: "企业注册计量师变更注册申请表（变更执业单位）",
    K.RENEWAL: "企业注册计量师延续注册申请表",
    K.CANCELLATION: "企业注册计量师注销注册申请表",
}
FILE_NAMES = {kind: f"{title.split('（')[0]}.pdf" for kind, title in TITLES.items()}
_WIDTH = A4[0] - 36 * mm
_HEADING_LINE = "申请编号（由系统生成）：" + "＿" * 8 + "　　　填表日期：　　年　　月　　日"


def _style(size: float, *, center: bool = False, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle(
        f"form-{size}-{center}",
        fontName=FONT_NAME,
        fontSize=size,
        leading=leading or size * 1.5,
        alignment=TA_CENTER if center else 0,
    )


def _spaced(text: str) -> str:
    """reportlab collapses ideographic spaces like any whitespace: keep the room left to write in."""
    return text.replace("　", "&#160;" * 3)


def _rows(kind: ApplicationKind) -> list[list[str]]:
    """The form's rows: [label, blank, label, blank] (four columns), or [label, blank spanning three]."""
    rows = [
        ["姓名", "", "性别", ""],
        ["出生日期", "", "联系电话", ""],
        ["居民身份证号码", "", "申请级别", "□一级　□二级"],
        ["执业单位名称", "", "", ""],
        ["统一社会信用代码", "", "单位联系人及电话", ""],
        ["注册计量师职业资格证书编号", "", "取得日期", ""],
    ]
    if kind.needs_target_certificate:
        rows.append(["企业注册计量师注册证编号", "", "有效期至", ""])
    if kind.needs_projects:
        which = "申请注册的" if kind is K.INITIAL else "新增的"
        rows.append([f"{which}计量专业项目（代码及名称）", "", "", ""])
        rows.append(["计量专业项目考核合格证编号", "", "", ""])
    if kind is K.CHANGE_EMPLOYER_NAME:
        rows.append(["原执业单位名称", "", "", ""])
    if kind is K.CHANGE_EMPLOYER:
        rows.append(["原执业单位名称", "", "", ""])
        rows.append(["到新单位工作日期", "", "", ""])
    if kind is K.CANCELLATION:
        rows.append(["注销原因", "", "", ""])
    return rows


def blank_application_form(kind: str) -> bytes:
    """The A4 PDF of the blank form for applications of `kind` (an ApplicationKind value)."""
    kind = ApplicationKind(kind)
    register_font()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm
    )
    document.title = TITLES[kind]
    document.author = ISSUING_BODY
    cell = _style(10.5, leading=15)
    rows = _rows(kind)
    data = [[Paragraph(text, cell) for text in row] for row in rows]
    widths = [_WIDTH * 0.24, _WIDTH * 0.30, _WIDTH * 0.20, _WIDTH * 0.26]
    style = [
        ("FONT", (0, 0), (-1, -1), FONT_NAME, 10.5),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
        ("ROWBACKGROUNDS", (2, 0), (2, -1), [colors.HexColor("#f2f2f2")]),
    ]
    for index, row in enumerate(rows):
        if row[2] == "" and row[3] == "":  # a label with one long blank
            style.append(("SPAN", (1, index), (3, index)))
            style.append(("BACKGROUND", (2, index), (2, index), colors.white))
    table = Table(data, colWidths=widths, rowHeights=[11 * mm] * len(rows))
    table.setStyle(TableStyle(style))
    photo = Table(
        [[Paragraph("2寸免冠照片<br/>（粘贴处）", _style(9, center=True))]],
        colWidths=[35 * mm],
        rowHeights=[45 * mm],
        style=[("BOX", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")],
        hAlign="RIGHT",
    )
    sign = Table(
        [
            [Paragraph("申请人承诺：本人所填内容及所附材料真实、有效，如有不实，愿承担相应责任。", cell)],
            [Paragraph(_spaced("申请人签字：　　　　　　　　　　　　　　年　　月　　日"), cell)],
            [Paragraph("执业单位意见：申请人及申请单位对申请材料的真实性负责。", cell)],
            [Paragraph(_spaced("单位负责人签字：　　　　　　　（单位公章）　　　　年　　月　　日"), cell)],
            [Paragraph(f"{ISSUING_BODY}审查意见：", cell)],
            [Paragraph(_spaced("经办人：　　　　　　　　　　　　　　　　　年　　月　　日"), cell)],
        ],
        colWidths=[_WIDTH],
        rowHeights=[10 * mm, 12 * mm, 10 * mm, 14 * mm, 18 * mm, 10 * mm],
        style=[
            ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
            ("LINEBELOW", (0, 1), (-1, 1), 0.6, colors.black),
            ("LINEBELOW", (0, 3), (-1, 3), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ],
    )
    story = [
        Paragraph(TITLES[kind], _style(17, center=True)),
        Spacer(1, 4 * mm),
        Paragraph(_spaced(_HEADING_LINE), _style(9.5)),
        Spacer(1, 3 * mm),
    ]
    if kind is not K.CANCELLATION and kind is not K.CHANGE_EMPLOYER_NAME:
        story += [photo, Spacer(1, 3 * mm)]
    story += [
        table,
        Spacer(1, 5 * mm),
        sign,
        Spacer(1, 4 * mm),
        Paragraph(
            "填写说明：请用黑色钢笔或签字笔填写，字迹清楚；打印后由申请人签字、执业单位盖章，扫描为 PDF "
            "后在网上申请的“申请表”一项上传。",
            _style(9),
        ),
    ]
    document.build(story)
    return out.getvalue()
