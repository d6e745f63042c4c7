"""Batch spreadsheets: the template employers fill in, and the parser that reads it back.

Two steps, so that nothing is saved from a file with a single problem:

1. `parse_sheet(file)` reads an .xlsx or .csv (UTF-8 with or without BOM, or GBK: Excel in China saves CSV
   as GBK) into typed `SheetRow`s, or per-row `SheetError`s (row number, column, reason). It needs no
   database. Hostile files are refused whole: too large, too many rows, a zip or XML bomb, formulas.
2. The intake service (registry/services/intake.py) checks the rows that parsed against the registry with
   the one set of eligibility rules (registry/eligibility.py), for all rows at once.

The column headers and the drop-down values are a fixed file format in Chinese (the template is Chinese
whatever the page language), so a file filled in by anyone parses the same; the kinds are
`ApplicationKind.sheet_label`. Only the columns below are read: a sheet cannot set state, employer or
anything else. The registration certificate number is optional, also as a column, so files made from
the template before it existed still parse.
"""

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.sheet_files import SheetRefused, read_sheet, refuse_unlike_template
from common.text import normalize_code, text_problem
from people.models import Level
from people.validators import mask_resident_id, normalize_resident_id, validate_resident_id
from registry.workflow import ApplicationKind

KIND_LABELS = [kind.sheet_label for kind in ApplicationKind]
LEVEL_LABELS = {Level.ONE: "一级", Level.TWO: "二级"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    example: str
    help: str
    optional: bool = False  # a file without this column still parses


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "张伟", "必填。与身份证一致。"),
    Column(
        "id_number",
        "身份证号",
        "230102198001011237",
        "必填。18位，末位可以是X。本列已设为文本格式，请勿改成数字。",
    ),
    Column("phone", "手机号", "13904510000", "初始注册必填，11位手机号。"),
    Column("level", "申请级别", "二级", "必填。从下拉列表选择：一级 或 二级。"),
    Column(
        "qualification_number",
        "职业资格证书编号",
        "ZJ00000001",
        "初始注册必填。注册计量师职业资格证书上的编号。",
    ),
    Column("qualification_date", "资格证书取得日期", "2020-06-01", "初始注册必填。格式 2020-06-01。"),
    Column(
        "project_codes",
        "申请项目代码",
        "04.01、12.01",
        "初始注册和变更专业必填。计量专业项目代码，多个用顿号（、）或逗号分隔；每个项目都须有考核合格证。",
    ),
    Column("kind", "申请类型", "初始注册", "必填。从下拉列表选择。"),
    Column(
        "target_certificate_number",
        "注册证书编号",
        "HLJ-ZC2-2026-00001",
        "变更、延续、注销注册选填：所涉企业注册计量师注册证的编号。不填时，按此人通过本单位取得的该级别有效注册证办理。",
        optional=True,
    ),
)
HEADERS = {c.header: c for c in COLUMNS}
MAX_PROJECTS_PER_ROW = 20
_PROJECT_SPLIT = re.compile(r"[、,，;；\s]+")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


@dataclass(frozen=True)
class SheetError:
    """One problem: `row` is the spreadsheet's own row number (None: the whole file), `column` its header,
    `codes` the eligibility codes it answers (registry/eligibility.py; several when one answer stands for
    all of them, none for a problem of the file's shape)."""

    row: int | None
    column: str | None
    message: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetRow:
    row: int
    name: str
    id_number: str
    phone: str
    level: int
    qualification_number: str
    qualification_date: dt.date | None
    project_codes: tuple[str, ...]
    kind: str
    target_certificate_number: str = ""

    @property
    def kind_label(self) -> str:
        return ApplicationKind(self.kind).sheet_label if self.kind else ""

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number)


@dataclass
class SheetResult:
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[SheetError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_row(self) -> dict[int | None, list[SheetError]]:
        grouped: dict[int | None, list[SheetError]] = {}
        for error in self.errors:
            grouped.setdefault(error.row, []).append(error)
        return grouped


# --- the template ----------------------------------------------------------------------------------------
EXAMPLE_PROJECT_CODE = "04.01"  # a real code of the catalogue, for a template made without one


def build_template(projects: Sequence[tuple[str, str, str]] = ()) -> bytes:
    """The .xlsx employers download: a data sheet with drop-downs, an instructions sheet and, given the
    active metrology `projects` as (code, name, category), a sheet listing them with their codes (the
    examples then use real codes of the list)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "申请人"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    widths = {
        "name": 10,
        "id_number": 22,
        "phone": 14,
        "level": 10,
        "qualification_number": 20,
        "qualification_date": 16,
        "project_codes": 24,
        "kind": 22,
        "target_certificate_number": 22,
    }
    last_row = settings.REGISTRY_MAX_SHEET_ROWS + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths[column.key]
        if column.key in {
            "id_number",
            "phone",
            "qualification_number",
            "qualification_date",
            "project_codes",
            "target_certificate_number",
        }:
            # Text, so Excel keeps all 18 digits of an ID number and the leading zeros of a code.
            for row in range(2, last_row + 1):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.key in {"level", "kind"}:
            values = LEVEL_LABELS.values() if column.key == "level" else KIND_LABELS
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(values) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表选择",
                error="请从下拉列表中选择一个值。",
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("填写说明")
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 90
    guide.append(["填写说明", "每位申请人填一行，从第2行开始；不要修改第1行的列名，不要增加列。"])
    guide.append(
        ["", f"一个文件最多 {settings.REGISTRY_MAX_SHEET_ROWS} 行。请只填写文字和数字，不要使用公式。"]
    )
    guide.append(
        ["", "也可以另存为 CSV（UTF-8 或 GBK 编码）后上传。上传后会逐行检查，有任何问题都不会保存。"]
    )
    guide.append([])
    guide.append(["列名", "怎么填"])
    guide["A5"].font = Font(bold=True)
    guide["B5"].font = Font(bold=True)
    codes = [code for code, _name, _category in projects][:2] or [EXAMPLE_PROJECT_CODE]
    examples = {"project_codes": "、".join(codes)}
    for column in COLUMNS:
        example = examples.get(column.key, column.example)
        extra = "项目代码见“项目代码”表。" if column.key == "project_codes" and projects else ""
        guide.append([column.header, f"{column.help}{extra} 例：{example}"])
    guide.append([])
    guide.append(["申请类型", "、".join(KIND_LABELS)])
    guide.append(["申请级别", "、".join(LEVEL_LABELS.values())])
    guide["A1"].font = Font(bold=True)

    if projects:
        listing = workbook.create_sheet("项目代码")
        listing.append(["项目代码", "项目名称", "专业类别"])
        for cell in listing[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for code, name, category in projects:
            listing.append([code, name, category])
        for letter, width in (("A", 12), ("B", 30), ("C", 30)):
            listing.column_dimensions[letter].width = width
        listing.freeze_panes = "A2"

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading a file (the upload guard, registry/sheet_files.py, reads every spreadsheet) --------------
def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    match = re.fullmatch(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?", text)
    if match is None:
        match = re.fullmatch(r"([0-9]{4})([0-9]{2})([0-9]{2})", text)
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _parse_level(text: str) -> int | None:
    text = text.replace("注册计量师", "").replace("级别", "").strip()
    return {
        "一级": Level.ONE,
        "1": Level.ONE,
        "1级": Level.ONE,
        "二级": Level.TWO,
        "2": Level.TWO,
        "2级": Level.TWO,
    }.get(text)


def _parse_kind(text: str) -> str | None:
    text = text.replace("(", "（").replace(")", "）").replace(" ", "")
    for kind in ApplicationKind:
        if text == kind.sheet_label:
            return kind.value
    return None


def parse_sheet(file, *, name: str | None = None) -> SheetResult:
    """Read an uploaded .xlsx or .csv into typed rows and per-row errors; raise SheetRefused for the file.

    The upload guard checks the file whole first and reads it streaming (registry/sheet_files.py): too
    large, too many rows, a zip or XML bomb are refused before or while reading. The type is told by
    content (an .xlsx is a zip archive), the name only breaks a tie.
    """
    return _read_rows(read_sheet(file, name=name or getattr(file, "name", "") or ""))


def _header_map(header: Sequence) -> dict[int, Column]:
    positions: dict[int, Column] = {}
    unknown = []
    for index, value in enumerate(header):
        text = _cell_text(value).replace(" ", "").lstrip("\ufeff")
        if not text:
            continue
        column = HEADERS.get(text)
        if column is None:
            unknown.append(text)
        else:
            positions[index] = column
    missing = [c.header for c in COLUMNS if c not in positions.values() and not c.optional]
    refuse_unlike_template(missing=missing, unknown=unknown)
    return positions


def _read_rows(rows: Iterator[tuple[int, list]]) -> SheetResult:
    result = SheetResult()
    positions: dict[int, Column] | None = None
    first_row_of: dict[str, int] = {}
    data_rows = 0
    for number, values in rows:
        if positions is None:
            if not any(_cell_text(v) for v in values):
                continue
            positions = _header_map(values)
            continue
        cells = {column.key: None for column in COLUMNS} | {
            column.key: values[i] if i < len(values) else None for i, column in positions.items()
        }
        if not any(_cell_text(v) for v in cells.values()):
            continue
        data_rows += 1  # the guard stops the reading past REGISTRY_MAX_SHEET_ROWS
        row, errors = _read_row(number, cells)
        if row is not None and row.id_number in first_row_of:
            errors.append(
                SheetError(
                    number,
                    "身份证号",
                    _("The same person is already in row %(row)s of this file.")
                    % {"row": first_row_of[row.id_number]},
                )
            )
        if row is not None:
            first_row_of.setdefault(row.id_number, number)
        result.errors.extend(errors)
        if not errors and row is not None:
            result.rows.append(row)
    if positions is None:
        raise SheetRefused(_("The file has no column names. Use the template."))
    if data_rows == 0:
        raise SheetRefused(_("The file lists no applicants. Fill in one row per applicant, from row 2."))
    return result


def _read_row(number: int, cells: dict) -> tuple[SheetRow | None, list[SheetError]]:
    errors: list[SheetError] = []

    def problem(key: str, message: str) -> None:
        errors.append(SheetError(number, next(c.header for c in COLUMNS if c.key == key), message))

    for key, value in cells.items():
        message = text_problem(value)  # invisible characters, formulas: as every form refuses them
        if message is not None:
            problem(key, message)
    if errors:
        return None, errors
    text = {key: _cell_text(value) for key, value in cells.items()}

    kind = _parse_kind(text["kind"])
    if not text["kind"]:
        problem("kind", _("Required: choose the application kind from the drop-down list."))
    elif kind is None:
        problem(
            "kind",
            _("“%(value)s” is not an application kind; choose one of: %(choices)s.")
            % {"value": text["kind"], "choices": "、".join(KIND_LABELS)},
        )

    if not text["name"]:
        problem("name", _("Required: the applicant's name as on the ID card."))
    elif len(text["name"]) > 50:
        problem("name", _("A name has at most 50 characters."))

    id_number = normalize_resident_id(text["id_number"])
    if isinstance(cells["id_number"], int | float):
        problem(
            "id_number",
            _(
                "Excel stored the ID number as a number and may have changed its last digits. "
                "Format the column as text and type the number again."
            ),
        )
    elif not id_number:
        problem("id_number", _("Required: the 18-character resident ID number."))
    else:
        try:
            validate_resident_id(id_number)
        except ValidationError as error:
            problem("id_number", error.messages[0])

    phone = normalize_code(text["phone"]).replace(" ", "").replace("-", "").removeprefix("+86")
    if phone and not _MOBILE.fullmatch(phone):
        problem("phone", _("Enter an 11-digit mainland mobile number, e.g. 13904510000."))
    elif not phone and kind == ApplicationKind.INITIAL:
        problem("phone", _("Required for an initial registration: the applicant's mobile number."))

    level = _parse_level(text["level"])
    if not text["level"]:
        problem("level", _("Required: choose 一级 or 二级."))
    elif level is None:
        problem("level", _("“%(value)s” is not a level; choose 一级 or 二级.") % {"value": text["level"]})

    qualification_number = normalize_code(text["qualification_number"])
    if len(qualification_number) > 50:
        problem("qualification_number", _("A certificate number has at most 50 characters."))
    elif not qualification_number and kind == ApplicationKind.INITIAL:
        problem(
            "qualification_number",
            _(
                "Required for an initial registration: the number on the "
                "registered metrologist qualification certificate."
            ),
        )

    qualification_date = None
    if text["qualification_date"]:
        qualification_date = _parse_date(cells["qualification_date"])
        if qualification_date is None:
            problem("qualification_date", _("Not a date; write it like 2020-06-01."))
        elif qualification_date > timezone.localdate() or qualification_date.year < 1990:
            problem(
                "qualification_date", _("The date %(date)s cannot be right.") % {"date": qualification_date}
            )
    elif kind == ApplicationKind.INITIAL:
        problem(
            "qualification_date",
            _(
                "Required for an initial registration: the date on the "
                "qualification certificate, e.g. 2020-06-01."
            ),
        )

    codes = tuple(
        dict.fromkeys(c.upper() for c in _PROJECT_SPLIT.split(normalize_code(text["project_codes"])) if c)
    )
    if len(codes) > MAX_PROJECTS_PER_ROW:
        problem("project_codes", _("At most %(max)s projects per applicant.") % {"max": MAX_PROJECTS_PER_ROW})
    elif any(len(c) > 20 for c in codes):
        problem("project_codes", _("A project code has at most 20 characters; separate codes with 、."))

    certificate_number = normalize_code(text["target_certificate_number"]).upper()
    if len(certificate_number) > 30:
        problem("target_certificate_number", _("A certificate number has at most 30 characters."))

    if errors or level is None or kind is None:  # no errors means both were read; mypy cannot tell
        return (
            SheetRow(number, text["name"], id_number, phone, 0, "", None, (), "") if id_number else None,
            errors,
        )
    return (
        SheetRow(
            row=number,
            name=text["name"],
            id_number=id_number,
            phone=phone,
            level=level,
            qualification_number=qualification_number,
            qualification_date=qualification_date,
            project_codes=codes,
            kind=kind,
            target_certificate_number=certificate_number,
        ),
        errors,
    )


# --- the one answer the intake gives for a row off the record ------------------------------------------
def record_mismatch_message() -> str:
    """The one answer for a row that does not match the registry's records, whichever part does not.

    Whoever adds applicants may not learn from the answer anything about a person their own employer does
    not already know (issue 11: a name/ID-number oracle): not whether the name on record is another, not
    which projects the person was assessed in, not whether they are registered elsewhere, not who holds a
    qualification certificate number. So the answer lists what to check and never says which part failed.
    """
    return _(
        "The applicant's details do not match the registry's records. Check the name and resident ID number "
        "against the ID card, that every project applied for has a passed assessment (考核合格证), the "
        "qualification certificate number, and that the application kind and level fit the applicant's "
        "registration. To protect personal information the registry does not say which detail differs; if "
        "all of them are right, contact the Heilongjiang Metrology Association."
    )
