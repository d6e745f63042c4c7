"""The 企业注册计量师注册证 as an A4 PDF.

One page, drawn with reportlab: a double border, the title, the certificate number, a table of fields with
the 2-inch photo top right, the registered projects, the issuing body with a seal-like ring and the date,
and a QR code of the verification URL bottom right. A certificate that is no longer valid carries a banner
and a diagonal watermark saying so, so a printout of a superseded, cancelled, revoked or expired
certificate cannot pass for a valid one.

Labels are English source text translated with the zh-hans catalogue, which is always active while
rendering: the certificate is a Chinese document whatever the language of the request that caused it.
"""

import datetime as dt
import io
import math
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import segno
from django.utils import translation
from django.utils.translation import gettext, pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, Paragraph, Table, TableStyle

from .document import CertificateDocument, PrintedProject, PrintedState
from .fonts import FONT_NAME, MissingGlyphsError, missing_characters, register_font
from .ornaments import (
    RED,
    SEAL_RADIUS,
    SealPlacement,
    draw_frame,
    draw_seal,
    draw_spaced_centred,
    normalise_photo,
)

TITLE = "企业注册计量师注册证"

PAGE_WIDTH, PAGE_HEIGHT = A4
DARK = colors.HexColor("#1f1f1f")
GRID = colors.HexColor("#8c6d46")

# Geometry other code relies on (tests sample the printed QR code here).
PHOTO_WIDTH, PHOTO_HEIGHT = 35 * mm, 49 * mm  # 二寸 photo
QR_SIZE = 34 * mm
QR_BORDER_MODULES = 2
QR_MASK = 2  # the QR code's data mask, fixed (`qr_symbol`)
QR_X = PAGE_WIDTH - 26 * mm - QR_SIZE
QR_Y = 36 * mm

_MARGIN = 26 * mm
_TABLE_WIDTH = PAGE_WIDTH - 2 * _MARGIN
_TABLE_TOP = PAGE_HEIGHT - 88 * mm
_TABLE_BOTTOM_LIMIT = QR_Y + QR_SIZE + 14 * mm
_ROW_HEIGHT = 14 * mm
_PROJECTS_MIN_HEIGHT = 40 * mm
_ISSUER_X = _MARGIN + 4 * mm
_SEAL_X, _SEAL_Y = _ISSUER_X + 72 * mm, QR_Y + 17 * mm
# Where the seal is printed: the signature's visible field covers it (registry/signing.py).
SEAL_PLACEMENT = SealPlacement(
    page=0, box=(_SEAL_X - SEAL_RADIUS, _SEAL_Y - SEAL_RADIUS, _SEAL_X + SEAL_RADIUS, _SEAL_Y + SEAL_RADIUS)
)


def render_certificate_pdf(doc: CertificateDocument) -> bytes:
    """The certificate as PDF bytes. Pure: reads nothing but `doc` and the shipped font.

    Raises MissingGlyphsError if a printed text has a character the embedded font cannot draw, and
    ValueError if the photo is not an image or the projects do not fit on the page.
    """
    register_font()
    _check_glyphs(doc)
    with translation.override("zh-hans"):
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=True, initialFontName=FONT_NAME)
        canvas.setTitle(f"{TITLE} {doc.number}")
        canvas.setAuthor(doc.issuing_body)
        canvas.setSubject(TITLE)
        draw_frame(canvas)
        _draw_heading(canvas, doc)
        _draw_fields(canvas, doc)
        _draw_issuer(canvas, doc)
        _draw_qr(canvas, doc)
        _draw_footer(canvas)
        if doc.state != PrintedState.VALID:
            _draw_invalid_marks(canvas, doc)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def _check_glyphs(doc: CertificateDocument) -> None:
    printed = [doc.holder_name, doc.employer_name, doc.number, doc.id_number, doc.issuing_body]
    printed += [f"{p.code}{p.name}" for p in doc.projects]
    missing = missing_characters("".join(printed))
    if missing:
        raise MissingGlyphsError(missing)


def format_date(day: dt.date) -> str:
    """`2026年1月5日` with zh-hans active."""
    return pgettext("certificate date", "%(year)d-%(month)02d-%(day)02d") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def _labelled(label: str, value: str) -> str:
    return f"{label}：{value}"


def _level_text(level: int) -> str:
    return pgettext("certificate", "Level 1") if level == 1 else pgettext("certificate", "Level 2")


def _state_word(state: PrintedState) -> str:
    return {
        PrintedState.SUPERSEDED: pgettext("certificate state", "Superseded"),
        PrintedState.CANCELLED: pgettext("certificate state", "Cancelled"),
        PrintedState.REVOKED: pgettext("certificate state", "Revoked"),
        PrintedState.EXPIRED: pgettext("certificate state", "Expired"),
        PrintedState.LAPSED: pgettext("certificate state", "Lapsed"),
        PrintedState.SUSPENDED: pgettext("certificate state", "Suspended"),
        PrintedState.VALID: pgettext("certificate state", "Valid"),
    }[state]


def _state_line(doc: CertificateDocument) -> str:
    ceased = doc.ceased_on
    if ceased is None:
        return gettext("This certificate is no longer valid.")
    date = format_date(ceased)
    return {
        PrintedState.SUPERSEDED: gettext(
            "This certificate was changed on %(date)s and ceased to be valid; the new certificate applies."
        ),
        PrintedState.CANCELLED: gettext("This certificate was cancelled on %(date)s and ceased to be valid."),
        PrintedState.REVOKED: gettext("This certificate was revoked on %(date)s and ceased to be valid."),
        PrintedState.EXPIRED: gettext("This certificate expired and ceased to be valid on %(date)s."),
        PrintedState.LAPSED: gettext("This registration lapsed on %(date)s and ceased to be valid."),
        PrintedState.SUSPENDED: gettext(
            "This registration was suspended on %(date)s and is not valid while suspended."
        ),
    }[doc.state] % {"date": date}


# --- drawing ---------------------------------------------------------------------------------------------


def _draw_heading(canvas: Canvas, doc: CertificateDocument) -> None:
    centre = PAGE_WIDTH / 2
    canvas.setFillColor(RED)
    canvas.setFont(FONT_NAME, 30)
    draw_spaced_centred(canvas, TITLE, centre, PAGE_HEIGHT - 46 * mm, spacing=5)
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(1.2)
    canvas.line(centre - 70 * mm, PAGE_HEIGHT - 52 * mm, centre + 70 * mm, PAGE_HEIGHT - 52 * mm)
    canvas.setLineWidth(0.4)
    canvas.line(centre - 70 * mm, PAGE_HEIGHT - 53.2 * mm, centre + 70 * mm, PAGE_HEIGHT - 53.2 * mm)
    canvas.setFont(FONT_NAME, 15)
    canvas.drawCentredString(centre, PAGE_HEIGHT - 62 * mm, f"（{_level_text(doc.level)}）")
    canvas.setFillColor(DARK)
    canvas.setFont(FONT_NAME, 11)
    canvas.drawCentredString(
        centre, PAGE_HEIGHT - 72 * mm, _labelled(pgettext("certificate", "Certificate No."), doc.number)
    )


def _style(size: float, *, leading: float | None = None, centred: bool = False) -> ParagraphStyle:
    return ParagraphStyle(
        f"cert-{size}",
        fontName=FONT_NAME,
        bulletFontName=FONT_NAME,
        fontSize=size,
        leading=leading or size * 1.35,
        textColor=DARK,
        wordWrap="CJK",
        alignment=TA_CENTER if centred else 0,
    )


def _photo_flowable(photo: bytes | None) -> object:
    if photo is None:
        return Paragraph(escape(pgettext("certificate", "2-inch photo")), _style(9, centred=True))
    return Image(io.BytesIO(normalise_photo(photo)), PHOTO_WIDTH, PHOTO_HEIGHT)


def _draw_fields(canvas: Canvas, doc: CertificateDocument) -> None:
    label_width, photo_width = 40 * mm, PHOTO_WIDTH + 8 * mm
    value_width = _TABLE_WIDTH - label_width - photo_width
    label = _style(11.5, centred=True)
    value = _style(12)
    validity = pgettext("certificate", "%(start)s to %(end)s") % {
        "start": format_date(doc.valid_from),
        "end": format_date(doc.valid_until),
    }
    rows = [
        (pgettext("certificate", "Name"), doc.holder_name),
        (pgettext("certificate", "Resident ID number"), doc.id_number),
        (pgettext("certificate", "Level"), _level_text(doc.level)),
        (pgettext("certificate", "Employer"), doc.employer_name),
        (pgettext("certificate", "Period of validity"), validity),
    ]
    data: list[list[object]] = [
        [Paragraph(escape(k), label), Paragraph(escape(v), value), ""] for k, v in rows
    ]
    data[0][1] = Paragraph(escape(doc.holder_name), _style(15))
    data[0][2] = _photo_flowable(doc.photo)
    photo_rows = len(rows)
    # The rows beside the photo share its height; the employer's row grows if its name wraps.
    employer_height = data[3][1].wrap(value_width - 12, 1000)[1] + 12  # type: ignore[attr-defined]
    heights: list[float] = [_ROW_HEIGHT] * photo_rows
    heights[3] = max(employer_height, _ROW_HEIGHT)

    space = _TABLE_TOP - _TABLE_BOTTOM_LIMIT - sum(heights)
    projects_row = None
    projects_width = value_width + photo_width
    for columns, size in [(1, 12), (1, 11), (1, 10), (2, 10), (2, 9), (2, 8), (3, 8), (3, 7)]:
        candidate = _projects_flowable(doc.projects, size=size, columns=columns, width=projects_width - 12)
        needed = candidate.wrap(projects_width - 12, 10_000)[1] + 12
        if needed <= space:
            projects_row = candidate
            heights.append(max(needed, min(_PROJECTS_MIN_HEIGHT, space)))
            break
    if projects_row is None:
        raise ValueError(f"{len(doc.projects)} projects do not fit on one certificate page")
    data.append(
        [Paragraph(escape(pgettext("certificate", "Registered metrology projects")), label), projects_row, ""]
    )

    table = Table(data, colWidths=[label_width, value_width, photo_width], rowHeights=heights)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),  # the default, Helvetica, is not embedded
                ("BOX", (0, 0), (-1, -1), 1.2, GRID),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, GRID),
                ("SPAN", (2, 0), (2, photo_rows - 1)),
                ("SPAN", (1, photo_rows), (2, photo_rows)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (1, photo_rows), (1, photo_rows), "TOP"),
                ("ALIGN", (2, 0), (2, 0), "CENTER"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3e9d6")),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    _, height = table.wrapOn(canvas, _TABLE_WIDTH, _TABLE_TOP - _TABLE_BOTTOM_LIMIT)
    table.drawOn(canvas, _MARGIN, _TABLE_TOP - height)
    if doc.photo is None:
        # An empty framed box where the photo is pasted.
        photo_x = _MARGIN + label_width + value_width + (photo_width - PHOTO_WIDTH) / 2
        photo_y = _TABLE_TOP - sum(heights[:photo_rows]) / 2 - PHOTO_HEIGHT / 2
        canvas.setStrokeColor(GRID)
        canvas.setDash(3, 2)
        canvas.setLineWidth(0.6)
        canvas.rect(photo_x, photo_y, PHOTO_WIDTH, PHOTO_HEIGHT)
        canvas.setDash()


def _projects_flowable(
    projects: tuple[PrintedProject, ...], *, size: float, columns: int, width: float
) -> Paragraph | Table:
    """The project list, one per line, in one column or (when long) two, filled down then across."""
    style = _style(size, leading=size * 1.6)
    lines = [escape(f"{p.code}  {p.name}") for p in projects] or ["—"]
    if columns == 1:
        return Paragraph("<br/>".join(lines), style)
    per_column = math.ceil(len(lines) / columns)
    cells = [
        Paragraph("<br/>".join(lines[i : i + per_column]), style) for i in range(0, len(lines), per_column)
    ]
    table = Table([cells], colWidths=[width / columns] * len(cells))
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _draw_issuer(canvas: Canvas, doc: CertificateDocument) -> None:
    x = _ISSUER_X
    canvas.setFillColor(DARK)
    canvas.setFont(FONT_NAME, 12)
    canvas.drawString(x, QR_Y + 22 * mm, _labelled(pgettext("certificate", "Issuing body"), doc.issuing_body))
    canvas.drawString(
        x, QR_Y + 12 * mm, _labelled(pgettext("certificate", "Date of issue"), format_date(doc.issued_on))
    )
    draw_seal(canvas, doc.issuing_body, _SEAL_X, _SEAL_Y)


def qr_symbol(text: str) -> segno.QRCode:
    """The QR code printed for `text`: error correction M, never a Micro QR, and a fixed data mask.

    The mask is fixed because choosing it (8 candidates, each scored by the standard's penalty rules) is
    three quarters of the encoding time of a version-13 symbol (the URL with its signed fragment): 37 ms of
    the certificate's budget, against 8 ms. Every reader takes the mask from the symbol's format
    information, and on the random-looking base64 of a signed payload the masks score alike.
    """
    return segno.make(text, error="m", boost_error=False, micro=False, mask=QR_MASK)


def _draw_qr(canvas: Canvas, doc: CertificateDocument) -> None:
    matrix = qr_symbol(doc.verification_url).matrix
    count = len(matrix)
    module = QR_SIZE / (count + 2 * QR_BORDER_MODULES)
    canvas.setFillColor(colors.white)
    canvas.rect(QR_X, QR_Y, QR_SIZE, QR_SIZE, stroke=0, fill=1)
    # One filled path of horizontal runs of dark modules (a few hundred rectangles, not thousands), written
    # as PDF operators directly: reportlab's path.rect() formats each number through fp_str, which cost
    # 20 ms a certificate. Two decimals of a point are 0.007 mm.
    top = QR_Y + QR_SIZE - QR_BORDER_MODULES * module
    operators = []
    for r, row in enumerate(matrix):
        y = top - (r + 1) * module
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                x = QR_X + (QR_BORDER_MODULES + start) * module
                operators.append(f"{x:.2f} {y:.2f} {(c - start) * module:.2f} {module:.2f} re")
            else:
                c += 1
    canvas.setFillColor(colors.black)
    canvas._code.append("\n".join(operators) + "\nf")
    canvas.setFillColor(DARK)
    canvas.setFont(FONT_NAME, 10)
    canvas.drawCentredString(QR_X + QR_SIZE / 2, QR_Y - 5 * mm, pgettext("certificate", "Scan to verify"))
    parts = urlsplit(doc.verification_url)
    if parts.netloc:
        canvas.setFont(FONT_NAME, 6.5)
        canvas.drawCentredString(QR_X + QR_SIZE / 2, QR_Y - 9 * mm, f"{parts.netloc}/verify/")


def _draw_footer(canvas: Canvas) -> None:
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.setFont(FONT_NAME, 8.5)
    canvas.drawCentredString(
        PAGE_WIDTH / 2,
        19 * mm,
        gettext(
            "This certificate is for its holder alone; buying, selling, renting, lending, "
            "nominal affiliation or altering it is forbidden."
        ),
    )


def _draw_invalid_marks(canvas: Canvas, doc: CertificateDocument) -> None:
    word = _state_word(doc.state)
    canvas.saveState()
    # Diagonal watermark across the whole page.
    canvas.setFillColor(RED)
    canvas.setFillAlpha(0.16)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2 - 20 * mm)
    canvas.rotate(35)
    canvas.setFont(FONT_NAME, 150)
    canvas.drawCentredString(0, -50, word)
    canvas.restoreState()
    # A banner under the title: the state in large type and the sentence saying since when.
    canvas.saveState()
    top, height = PAGE_HEIGHT - 16 * mm, 13 * mm
    canvas.setFillColor(RED)
    canvas.rect(16 * mm, top - height, PAGE_WIDTH - 32 * mm, height, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(FONT_NAME, 15)
    canvas.drawString(21 * mm, top - height + 4.3 * mm, word)
    canvas.setFont(FONT_NAME, 10.5)
    canvas.drawString(
        21 * mm + canvas.stringWidth(word, FONT_NAME, 15) + 6 * mm, top - height + 4.8 * mm, _state_line(doc)
    )
    canvas.restoreState()
