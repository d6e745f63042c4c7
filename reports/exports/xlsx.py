"""The report as an XLSX workbook (a sheet per section, real numbers, formula-safe text).

A cover sheet (title, period, version or draft, who submitted it and when, the checksum), one sheet per
section of the figures (its tables one under the other: title, bold column names, rows, bold total, then
the section's notes), and a sheet for the written part. Numbers are number cells (rates and working days
with one decimal), a missing value an empty cell, a hidden small count the text "<3". Every string is
written as a text cell, never a formula, and formula-looking ones get Excel's quote prefix
(docs/decisions/0031-free-text-and-export-escaping.md): the workbook shows them as typed and never runs
them, whatever the figures' reason texts or the written part hold.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.text import looks_like_formula
from reports.document import ISSUER, RECIPIENT, ReportDocument

SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet's name
_SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\']")
DECIMAL_FORMAT = "0.0"
MIN_WIDTH, MAX_WIDTH, TEXT_WIDTH = 8, 48, 90
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")


def render_xlsx(document: ReportDocument) -> bytes:
    workbook = Workbook()
    names: set[str] = set()
    _cover(workbook.active, document, names)
    for section in document.sections:
        sheet = workbook.create_sheet(_sheet_name(f"{section['number']} {section['title']}", names))
        _section(sheet, section)
    sheet = workbook.create_sheet(_sheet_name(f"6 {_('Work done, problems and suggestions')}", names))
    _written_part(sheet, document)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A name Excel accepts: none of []:*?/\\ or an apostrophe, at most 31 characters, unique in the
    workbook (case-insensitively, as Excel compares them)."""
    base = _SHEET_NAME_REFUSED.sub(" ", ILLEGAL_CHARACTERS_RE.sub(" ", wanted)).strip() or "Sheet"
    name, n = base[:SHEET_NAME_LIMIT], 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _put(sheet: Worksheet, row: int, column: int, value: Any, *, font: Font | None = None) -> None:
    """One cell: a number as a number (one decimal shown for a float), None as an empty cell, anything
    else as a text cell that never runs as a formula."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        pass
    elif isinstance(value, bool):  # not a count: say it in words rather than as 1/0
        cell.value = _("yes") if value else _("no")
        cell.data_type = "s"
    elif isinstance(value, int):
        cell.value = value
    elif isinstance(value, float):
        cell.value = value
        cell.number_format = DECIMAL_FORMAT
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", str(value))
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever it starts with
        if looks_like_formula(text):
            cell.quotePrefix = True
    if font is not None:
        cell.font = font


def _cover(sheet: Worksheet, document: ReportDocument, names: set[str]) -> None:
    sheet.title = _sheet_name(_("Cover"), names)
    _put(sheet, 1, 1, document.title, font=TITLE)
    submitted_at: str | None = None
    if isinstance(document.submitted_at, dt.datetime):
        moment = document.submitted_at
        submitted_at = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime(
            "%Y-%m-%d %H:%M"
        )
    period = document.period
    lines = [
        (_("Reported by"), ISSUER),
        (_("Reported to"), RECIPIENT),
        (_("Period"), f"{period['start']} — {period['end']}"),
        (_("Figures as of"), period.get("as_of") or ""),
        (_("Version"), document.version if document.version else _("Draft")),
        (_("Submitted by"), document.submitted_by or None),
        (_("Submitted at"), submitted_at or None),
        (_("Checksum (SHA-256)"), document.checksum),
    ]
    for offset, (label, value) in enumerate(lines, start=3):
        _put(sheet, offset, 1, label, font=BOLD)
        _put(sheet, offset, 2, value)
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 70


def _section(sheet: Worksheet, section: dict[str, Any]) -> None:
    _put(sheet, 1, 1, f"{section['number']}. {section['title']}", font=TITLE)
    row = 3
    widths: dict[int, int] = {}
    frozen = False
    if section.get("empty") and not section.get("tables"):
        _put(sheet, row, 1, section["empty"])
        row += 2
    for table in section.get("tables") or []:
        _put(sheet, row, 1, table["title"], font=BOLD)
        row += 1
        for column, name in enumerate(table["columns"], start=1):
            _put(sheet, row, column, name, font=BOLD)
            _measure(widths, column, name)
        if not frozen:  # the first table's column names stay in view while scrolling
            sheet.freeze_panes = sheet.cell(row=row + 1, column=2)
            frozen = True
        row += 1
        for line in table["rows"]:
            for column, value in enumerate(line["cells"], start=1):
                _put(sheet, row, column, value)
                _measure(widths, column, value)
            row += 1
        if table.get("total"):
            for column, value in enumerate(table["total"], start=1):
                _put(sheet, row, column, value, font=BOLD)
                _measure(widths, column, value)
            row += 1
        row += 1
    for note in section.get("notes") or []:
        _put(sheet, row, 1, note)
        row += 1
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def _measure(widths: dict[int, int], column: int, value: Any) -> None:
    """The display width of `value`: a CJK character is about two Latin ones wide."""
    if value is None:
        return
    text = str(value)
    width = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    widths[column] = max(widths.get(column, 0), width)


def _written_part(sheet: Worksheet, document: ReportDocument) -> None:
    _put(sheet, 1, 1, f"6. {_('Work done, problems and suggestions')}", font=TITLE)
    row = 3
    for heading, text in document.written_part():
        _put(sheet, row, 1, heading, font=BOLD)
        _put(sheet, row + 1, 1, text)
        sheet.cell(row=row + 1, column=1).alignment = WRAP
        row += 3
    sheet.column_dimensions["A"].width = TEXT_WIDTH
