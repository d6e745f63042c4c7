"""The one guard every spreadsheet upload passes: the portal's batch sheets, the score and catalogue imports.

An uploaded .xlsx or .csv is hostile until shown otherwise. `read_sheet(file)` checks, before any parser
sees it:

- its size: at most REGISTRY_MAX_SHEET_BYTES (the upload's declared size first, then the bytes read);
- an .xlsx (a zip archive): its central directory, which lists every member and its unpacked size, so a
  zip bomb (a small file unpacking to gigabytes) is refused without unpacking anything; Python's zipfile
  never yields more than a member's declared size, so the directory cannot lie about it;
- a .csv: that it decodes (UTF-8 with or without BOM, or GB18030, a superset of the GBK Excel in China
  saves) and has no more lines than the row budget allows.

Then it reads rows streaming (openpyxl's read-only mode, `csv.reader`), at most MAX_COLUMNS cells per
row, and stops as soon as the file passes REGISTRY_MAX_SHEET_ROWS rows of data (plus the header row), so
a sheet of 600,000 rows costs what its first few thousand cost. Blank rows are skipped but still counted
against a budget of twice the data rows: formatting copied down a column leaves blank rows behind (the
portal's own template has one per allowed row), and they too cost parsing.

Every refusal is a `SheetRefused` whose message tells the user what to do. Formulas come back as their
text ("=..."), never as a cached value, so the callers can refuse them (see registry/text.py).

`sheet_upload_throttled(request)` is the per-user limit on how often anyone may make the server read a
spreadsheet (REGISTRY_SHEET_UPLOAD_RATE), shared by every import path.
"""

import codecs
import csv
import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from common.ratelimits import rate_wait_minutes

logger = logging.getLogger(__name__)

MAX_COLUMNS = 100  # a list of people needs a handful; a row padded to 16,384 cells is an attack
MAX_ARCHIVE_MEMBERS = 500  # a workbook has a few dozen parts
XLSX, CSV = "xlsx", "csv"


class SheetRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


def refuse_unlike_template(*, missing: list[str], unknown: list[str]) -> None:
    """SheetRefused naming the template's columns missing from the header row and the columns it does not
    know, if any; nothing when the header row is the template's."""
    if not (missing or unknown):
        return
    parts = []
    if missing:
        parts.append(_("missing columns: %(columns)s") % {"columns": "、".join(missing)})
    if unknown:
        parts.append(_("columns not in the template: %(columns)s") % {"columns": "、".join(unknown)})
    raise SheetRefused(
        _(
            "The first row must hold the template's column names unchanged (%(problems)s). Download the "
            "template again and copy your data into it."
        )
        % {"problems": "; ".join(parts)}
    )


@dataclass(frozen=True)
class SheetLimits:
    max_bytes: int
    max_rows: int
    max_unpacked_bytes: int

    @classmethod
    def from_settings(cls) -> "SheetLimits":
        return cls(
            max_bytes=settings.REGISTRY_MAX_SHEET_BYTES,
            max_rows=settings.REGISTRY_MAX_SHEET_ROWS,
            max_unpacked_bytes=settings.REGISTRY_MAX_SHEET_UNPACKED_BYTES,
        )

    @property
    def max_megabytes(self) -> int:
        return max(1, self.max_bytes // (1024 * 1024))

    @property
    def row_budget(self) -> int:
        """Rows that may be read at all, blank ones included (see the module's docstring)."""
        return 2 * (self.max_rows + 1)


def _too_large(limits: SheetLimits) -> SheetRefused:
    return SheetRefused(
        _("The file is larger than %(limit)s MB. A list of people is much smaller: use the template.")
        % {"limit": limits.max_megabytes}
    )


def _too_many_rows(limits: SheetLimits) -> SheetRefused:
    return SheetRefused(
        _(
            "The file has more than %(max)s rows. Split it into several files of at most %(max)s rows each, "
            "and delete empty rows at the end."
        )
        % {"max": limits.max_rows}
    )


def check_sheet_size(file: IO[bytes], limits: SheetLimits | None = None) -> None:
    """Refuse an upload over the size limit by its declared size, before anything reads it."""
    limits = limits or SheetLimits.from_settings()
    size = getattr(file, "size", None)
    if size is not None and size > limits.max_bytes:
        raise _too_large(limits)


def read_upload(file: IO[bytes], limits: SheetLimits | None = None) -> bytes:
    """The upload's bytes: never more than the size limit is read, whatever the file claims."""
    limits = limits or SheetLimits.from_settings()
    check_sheet_size(file, limits)
    file.seek(0)
    data = file.read(limits.max_bytes + 1)
    file.seek(0)
    if len(data) > limits.max_bytes:
        raise _too_large(limits)
    return data


def sniff_kind(data: bytes, name: str = "") -> str:
    """XLSX or CSV by content (an .xlsx is a zip archive); the name only explains a refusal."""
    name = name.lower()
    if data.startswith(b"PK\x03\x04"):
        return XLSX
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetRefused(
            _("Only .xlsx workbooks and .csv files are accepted. Save the file in Excel as .xlsx.")
        )
    return CSV


def check_archive(data: bytes, limits: SheetLimits) -> None:
    """An .xlsx's central directory: few members, none encrypted, unpacking to at most the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetRefused(_("The .xlsx file is damaged. Open it in Excel and save it again.")) from exc
    if any(m.flag_bits & 0x1 for m in members):
        raise SheetRefused(
            _("The workbook is protected by a password. Remove the password in Excel and upload it again.")
        )
    if len(members) > MAX_ARCHIVE_MEMBERS or sum(m.file_size for m in members) > limits.max_unpacked_bytes:
        raise SheetRefused(
            _(
                "The file unpacks to far more data than a list of people needs. Use the template and "
                "fill in only the rows you need."
            )
        )


def decode_csv(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetRefused(
        _("The CSV file's characters cannot be read. Save it from Excel as “CSV UTF-8” and upload again.")
    )


def check_csv_lines(text: str, limits: SheetLimits) -> None:
    """More lines than the row budget is refused before the csv module reads a cell."""
    lines = text.count("\n") + 1 - (1 if text.endswith("\n") else 0)
    if lines > limits.row_budget:
        raise _too_many_rows(limits)


def read_sheet(
    file: IO[bytes], *, name: str = "", limits: SheetLimits | None = None
) -> Iterator[tuple[int, list]]:
    """Check `file` whole (size, archive or lines), then return an iterator over its first sheet's rows.

    The iterator yields (row number in the sheet, cell values) for every row with a value in it; it raises
    SheetRefused as soon as the rows pass the limit. The checks run now, before this returns.
    """
    limits = limits or SheetLimits.from_settings()
    data = read_upload(file, limits)
    if not data.strip():
        raise SheetRefused(_("The file is empty."))
    if sniff_kind(data, name or getattr(file, "name", "") or "") == XLSX:
        check_archive(data, limits)
        return _counted(_xlsx_rows(data), limits)
    text = decode_csv(data)
    check_csv_lines(text, limits)
    return _counted(_csv_rows(text), limits)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _counted(rows: Iterator[tuple[int, list]], limits: SheetLimits) -> Iterator[tuple[int, list]]:
    read = filled = 0
    for number, values in rows:
        read += 1
        if read > limits.row_budget:
            raise _too_many_rows(limits)
        if all(_blank(v) for v in values):
            continue
        filled += 1
        if filled > limits.max_rows + 1:  # the header row and at most max_rows rows of data
            raise _too_many_rows(limits)
        yield number, values


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """(row number, cell values) of the first sheet, read-only and streaming; formulas as "=..." text."""
    from openpyxl import load_workbook

    unreadable = _(
        "The file cannot be read as an Excel workbook (.xlsx). Open it in Excel and save it again as "
        ".xlsx, or save it as CSV."
    )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl and defusedxml raise many types for a damaged or hostile file
        raise SheetRefused(unreadable) from exc
    try:
        if not workbook.worksheets:
            raise SheetRefused(unreadable)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, row in enumerate(rows, start=1):
            values = list(row)
            while values and values[-1] is None:  # read-only mode pads every row to max_col
                values.pop()
            yield number, values
    except SheetRefused:
        raise
    except Exception as exc:
        raise SheetRefused(unreadable) from exc
    finally:
        workbook.close()


def _csv_rows(text: str) -> Iterator[tuple[int, list]]:
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, row[:MAX_COLUMNS]
    except csv.Error as exc:  # also a cell over the csv module's field size limit (128 KB)
        raise SheetRefused(_("The CSV file is malformed. Open it in Excel and save it again.")) from exc


# --- how often -----------------------------------------------------------------------------------------
def sheet_upload_throttled(request: HttpRequest) -> bool:
    """Count this upload against the user's REGISTRY_SHEET_UPLOAD_RATE; True when over the limit.

    One budget per user for every import path (portal batches and checks, the admin's imports). Counted
    in the cache; if the cache cannot be reached the upload is let through (the size and row limits still
    hold) rather than turned into an error page.
    """
    from django_ratelimit import ALL
    from django_ratelimit.core import is_ratelimited

    try:
        return is_ratelimited(
            request,
            group="registry.sheet-upload",
            key="user",
            rate=settings.REGISTRY_SHEET_UPLOAD_RATE,
            method=ALL,
            increment=True,
        )
    except Exception:  # the cache is down: degrade to the other limits, never to an error page
        logger.warning("spreadsheet upload rate limit unavailable; upload allowed", exc_info=True)
        return False


def throttled_message() -> str:
    """The refusal of an upload over REGISTRY_SHEET_UPLOAD_RATE, with the longest wait that rate sets."""
    return _(
        "You have uploaded many spreadsheets in a short time. Try again in at most %(minutes)s minutes; "
        "correct every problem listed before you upload the file again."
    ) % {"minutes": rate_wait_minutes(settings.REGISTRY_SHEET_UPLOAD_RATE)}
