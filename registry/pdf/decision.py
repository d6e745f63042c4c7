"""The written decisions on an application as A4 PDFs, in the certificate's style.

受理通知书 (acceptance notice), 不予受理决定书 (non-acceptance decision), 补正材料通知书 (the one-time
correction notice, with its checklist) and 不予批准决定书 (denial, with the reasons). A refusal states the
applicant's rights to administrative reconsideration or litigation and their time limits; the bodies named
come from settings (REGISTRY_RECONSIDERATION_BODY, REGISTRY_LITIGATION_COURT), the one place they are set.

Like the certificate, the renderer reads nothing but its `DecisionNotice` and the shipped font, and draws
with the zh-hans catalogue active: a decision is a Chinese document whatever the language of the request.
No resident ID number is printed: the application number and the applicant's name identify the case.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from enum import StrEnum
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext, pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .certificate import DARK, GRID, format_date
from .document import ISSUING_BODY
from .fonts import FONT_NAME, MissingGlyphsError, missing_characters, register_font
from .ornaments import RED, SealPlacement, draw_frame, draw_seal

PAGE_WIDTH, PAGE_HEIGHT = A4
_MARGIN = 26 * mm


class NoticeKind(StrEnum):
    """The kind of written decision; the values are registry.models.DecisionKind's."""

    ACCEPTANCE = "acceptance"
    NON_ACCEPTANCE = "non_acceptance"
    CORRECTION = "correction"
    DENIAL = "denial"


# The documents' names, as the Administrative Licensing Law's practice calls them.
TITLES = {
    NoticeKind.ACCEPTANCE: "受理通知书",
    NoticeKind.NON_ACCEPTANCE: "不予受理决定书",
    NoticeKind.CORRECTION: "补正材料通知书",
    NoticeKind.DENIAL: "不予批准决定书",
}
SUBJECT = "企业注册计量师注册"


@dataclass(frozen=True)
class DecisionNotice:
    """Everything one written decision prints; built from the models by registry.services.decision_documents.

    `dated` is the decision's date. `approval_due` (acceptance) is when the decision on the application is
    due; `deemed` says it was accepted by law from `received` because no decision came in time. `reason` is
    the stated reason of a refusal; `items` the checklist of a correction notice (labels), `note` its
    free text. `reconsideration_body` and `court` are named in a refusal's statement of rights.
    """

    kind: NoticeKind
    number: str
    application_number: str
    application_kind: str
    level: int
    applicant_name: str
    employer_name: str
    received: dt.date
    dated: dt.date
    accepted: dt.date | None = None
    approval_due: dt.date | None = None
    deemed: bool = False
    reason: str = ""
    items: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""
    reconsideration_body: str = ""
    court: str = ""
    issuing_body: str = ISSUING_BODY
    entrusted_by: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", NoticeKind(self.kind))
        object.__setattr__(self, "items", tuple(self.items))
        if self.kind in (NoticeKind.NON_ACCEPTANCE, NoticeKind.DENIAL) and not self.reason.strip():
            raise ValueError("a refusal states its reason")
        if self.kind in (NoticeKind.NON_ACCEPTANCE, NoticeKind.DENIAL) and not (
            self.reconsideration_body and self.court
        ):
            raise ValueError("a refusal names the reconsideration body and the court")

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def render_decision_pdf(notice: DecisionNotice) -> tuple[bytes, SealPlacement]:
    """The decision as PDF bytes, and where its seal is printed (the signature covers it: registry/signing).
    Pure: reads nothing but `notice` and the shipped font.

    Raises MissingGlyphsError if a printed text has a character the embedded font cannot draw.
    """
    register_font()
    printed = [
        notice.applicant_name,
        notice.employer_name,
        notice.reason,
        notice.note,
        notice.reconsideration_body,
        notice.court,
        notice.entrusted_by,
        *notice.items,
    ]
    missing = missing_characters("".join(printed))
    if missing:
        raise MissingGlyphsError(missing)
    with translation.override("zh-hans"):
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=24 * mm,
            bottomMargin=24 * mm,
            title=f"{notice.title} {notice.number}",
            author=notice.issuing_body,
            subject=notice.title,
            invariant=True,
            pageCompression=1,
            initialFontName=FONT_NAME,
        )
        sealed: list[SealPlacement] = []
        document.build(_story(notice, sealed), onFirstPage=_page, onLaterPages=_page)
    return buffer.getvalue(), sealed[-1]


def _style(
    size: float,
    *,
    centred: bool = False,
    right: bool = False,
    colour: colors.Color = DARK,
    indent: float = 0,
) -> ParagraphStyle:
    return ParagraphStyle(
        f"decision-{size}-{centred}-{right}-{indent}",
        fontName=FONT_NAME,
        fontSize=size,
        leading=size * 1.7,
        textColor=colour,
        wordWrap="CJK",
        alignment=TA_CENTER if centred else (TA_RIGHT if right else 0),
        firstLineIndent=indent,
    )


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _page(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.saveState()
    draw_frame(canvas)
    canvas.restoreState()
    if document.page > 1:
        canvas.setFont(FONT_NAME, 8.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawCentredString(PAGE_WIDTH / 2, 17 * mm, str(document.page))


def _level_text(level: int) -> str:
    return pgettext("certificate", "Level 1") if level == 1 else pgettext("certificate", "Level 2")


def _story(notice: DecisionNotice, sealed: list[SealPlacement]) -> list:
    body = _style(12, indent=24)
    story: list = [
        _para(SUBJECT, _style(14, centred=True, colour=RED)),
        Spacer(0, 2 * mm),
        _para(notice.title, _style(26, centred=True, colour=RED)),
        _Rule(),
        _para(
            pgettext("decision", "No. %(number)s") % {"number": notice.number},
            _style(10.5, right=True),
        ),
        Spacer(0, 4 * mm),
        _para(f"{notice.employer_name}：", _style(12.5)),
        Spacer(0, 2 * mm),
        _fields(notice),
        Spacer(0, 5 * mm),
    ]
    story += [_para(text, body) for text in _body(notice)]
    if notice.kind == NoticeKind.CORRECTION:
        story.append(_checklist(notice))
        if notice.note:
            story.append(_para(pgettext("decision", "Note: %(note)s") % {"note": notice.note}, body))
        story.append(
            _para(
                gettext(
                    "Correct all of the above and submit the application again through the registry. The "
                    "5 working days for the decision on acceptance start again on the day the corrected "
                    "materials are received; until then the application is not accepted."
                ),
                body,
            )
        )
    if notice.kind in (NoticeKind.NON_ACCEPTANCE, NoticeKind.DENIAL):
        story.append(_para(rights_statement(notice), body))
    story += [Spacer(0, 12 * mm), _Signature(notice, sealed)]
    return story


def rights_statement(notice: DecisionNotice) -> str:
    """The applicant's rights against a refusal and their time limits (行政复议法, 行政诉讼法)."""
    return gettext(
        "If you do not accept this decision, you may apply to %(body)s for administrative reconsideration "
        "within 60 days of receiving it, under the Administrative Reconsideration Law of the People's "
        "Republic of China, or bring an administrative action before %(court)s within 6 months of "
        "receiving it, under the Administrative Litigation Law of the People's Republic of China."
    ) % {"body": notice.reconsideration_body, "court": notice.court}


def _body(notice: DecisionNotice) -> list[str]:
    values = {
        "received": format_date(notice.received),
        "accepted": format_date(notice.accepted) if notice.accepted else "",
        "due": format_date(notice.approval_due) if notice.approval_due else "",
    }
    if notice.kind == NoticeKind.ACCEPTANCE and notice.deemed:
        first = gettext(
            "Your application, received on %(received)s, was given neither a decision on acceptance nor "
            "a correction notice within the 5 working days allowed. Under article 32 of the "
            "Administrative Licensing Law it is therefore deemed accepted from the day it was "
            "received, %(received)s."
        )
    elif notice.kind == NoticeKind.ACCEPTANCE:
        first = gettext(
            "Your application, received on %(received)s, is complete and in the statutory form, and is "
            "accepted on %(accepted)s."
        )
    elif notice.kind == NoticeKind.CORRECTION:
        return [
            gettext(
                "Your application, received on %(received)s, is incomplete or not in the statutory form. "
                "Under article 32 of the Administrative Licensing Law you are told, once and for all, "
                "everything that must be corrected:"
            )
            % values
        ]
    elif notice.kind == NoticeKind.NON_ACCEPTANCE:
        return [
            gettext(
                "Your application, received on %(received)s, has been examined, and it is decided not to "
                "accept it, for the following reason:"
            )
            % values,
            notice.reason,
        ]
    else:
        return [
            gettext(
                "Your application, received on %(received)s and accepted on %(accepted)s, has been "
                "reviewed, and it is decided not to grant the registration, for the following reason:"
            )
            % values,
            notice.reason,
        ]
    lines = [first % values]
    if notice.approval_due is not None:
        lines.append(gettext("The decision on the application is due by %(due)s.") % values)
    return lines


def _fields(notice: DecisionNotice) -> Table:
    label, value = _style(11, centred=True), _style(11)
    kind = f"{notice.application_kind}（{_level_text(notice.level)}）"
    rows = [
        (pgettext("decision", "Application No."), notice.application_number),
        (pgettext("decision", "Applicant"), notice.applicant_name),
        (pgettext("decision", "Application for"), kind),
        (pgettext("decision", "Materials received on"), format_date(notice.received)),
    ]
    width = PAGE_WIDTH - 2 * _MARGIN
    table = Table(
        [[_para(k, label), _para(v, value)] for k, v in rows],
        colWidths=[40 * mm, width - 40 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("BOX", (0, 0), (-1, -1), 1.0, GRID),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3e9d6")),
            ]
        )
    )
    return table


def _checklist(notice: DecisionNotice) -> Table:
    """The materials to correct, numbered, each with a box to tick when it is put right."""
    style = _style(11.5)
    items = notice.items or (pgettext("decision", "See the note below."),)
    table = Table(
        [[_para(f"{n}.", style), _para("□", style), _para(item, style)] for n, item in enumerate(items, 1)],
        colWidths=[18 * mm, 8 * mm, PAGE_WIDTH - 2 * _MARGIN - 26 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, -1), 8 * mm),
            ]
        )
    )
    return table


class _Rule(Flowable):
    """The certificate's double red rule under the title."""

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 5 * mm

    def draw(self) -> None:
        canvas, centre = self.canv, self.width / 2
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(1.2)
        canvas.line(centre - 70 * mm, 3.5 * mm, centre + 70 * mm, 3.5 * mm)
        canvas.setLineWidth(0.4)
        canvas.line(centre - 70 * mm, 2.3 * mm, centre + 70 * mm, 2.3 * mm)


class _Signature(Flowable):
    """The issuing body (on behalf of the entrusting authority), the date, and the printed seal."""

    HEIGHT = 42 * mm

    def __init__(self, notice: DecisionNotice, sealed: list[SealPlacement]) -> None:
        super().__init__()
        self.notice = notice
        self.sealed = sealed  # where the seal was drawn is appended here

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.HEIGHT

    def draw(self) -> None:
        canvas, right = self.canv, self.width - 4 * mm
        canvas.setFillColor(DARK)
        canvas.setFont(FONT_NAME, 12.5)
        canvas.drawRightString(right, 30 * mm, self.notice.issuing_body)
        if self.notice.entrusted_by:
            canvas.setFont(FONT_NAME, 9.5)
            canvas.drawRightString(
                right,
                24 * mm,
                pgettext("decision", "(entrusted by %(authority)s)")
                % {"authority": self.notice.entrusted_by},
            )
        canvas.setFont(FONT_NAME, 12.5)
        canvas.drawRightString(right, 16 * mm, format_date(self.notice.dated))
        self.sealed.append(draw_seal(canvas, self.notice.issuing_body, right - 22 * mm, 22 * mm))
