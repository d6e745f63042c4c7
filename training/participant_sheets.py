"""The participants spreadsheet: the template an employer's clerk fills in, and its check against the ledger.

Like the batch spreadsheet (registry/spreadsheets.py), in two steps so that a file with a single problem
saves nothing:

1. `parse_participants(file)` reads an .xlsx or .csv through the one upload guard
   (common/sheet_files.py: size, zip bombs, row limit, streaming) into rows of name, resident ID number
   and hours, or per-row problems. Formulas and invisible characters are refused as every form refuses
   them; full-width digits (typed with a Chinese input method) are read as digits (NFKC).
2. `participants_check(activity, employer, file)` matches the rows with the employer's holders and asks
   `training.services.entry_problems` (the same rules the form and the save obey) about the rest.

What a row may learn about a person: the clerk's own enterprise's holders are known to it, so for them the
answer is precise (the name differs from the one on record, the certificate was not in force on the day).
A number that is not one of its holders, whether nobody's or another enterprise's holder's, gets one and
the same answer, so the file cannot be used to find out who is registered elsewhere (issue 11's oracle).
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.sheet_files import SheetRefused, read_sheet, refuse_unlike_template
from common.text import text_problem
from people.models import Employer, Person
from people.validators import mask_resident_id, normalize_name, validate_resident_id
from registry.models import RegistrationCertificate

from . import rules, services
from .forms import normalized
from .models import Activity

NAME, ID_NUMBER, HOURS = "姓名", "公民身份号码", "学时"
HEADERS = (NAME, ID_NUMBER, HOURS)
# Other spellings of the ID column clerks copy from their own lists.
HEADER_ALIASES = {"身份证号": ID_NUMBER, "身份证号码": ID_NUMBER, "公民身份证号码": ID_NUMBER}


@dataclass(frozen=True)
class SheetProblem:
    """`row` is the spreadsheet's own row number; `column` its header (None: the row as a whole)."""

    row: int
    column: str | None
    message: str


@dataclass
class ParticipantRow:
    row: int
    name: str
    id_number: str
    hours: Decimal
    person: Person | None = None

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number)


@dataclass
class ParticipantSheet:
    rows: list[ParticipantRow] = field(default_factory=list)
    errors: list[SheetProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def entries(self) -> list[services.Entry]:
        return [services.Entry(person=r.person, hours=r.hours) for r in self.rows if r.person is not None]


# --- the template ----------------------------------------------------------------------------------------
def build_template() -> bytes:
    """The .xlsx clerks download: three text columns and an instructions sheet; no formula anywhere."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "参加人员"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for letter, width in (("A", 12), ("B", 24), ("C", 10)):
        sheet.column_dimensions[letter].width = width
    # Text, so Excel keeps all 18 characters of an ID number (a number column rounds the last three).
    for row in range(2, settings.REGISTRY_MAX_SHEET_ROWS + 2):
        sheet.cell(row=row, column=2).number_format = "@"
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("填写说明")
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 90
    for line in (
        ("填写说明", "每位参加人员填一行，从第2行开始；不要修改第1行的列名，不要增加列。"),
        ("", f"一个文件最多 {settings.REGISTRY_MAX_SHEET_ROWS} 行。请只填写文字和数字，不要使用公式。"),
        ("", "上传后会逐行检查；只要有一行有问题，整个文件都不会保存。"),
        (NAME, "必填。与身份证一致。"),
        (ID_NUMBER, "必填。18位，末位可以是X。本列已设为文本格式，请勿改成数字。"),
        (HOURS, "必填。本人在该活动中取得的学时，以半学时为单位（如 8 或 7.5），不超过活动的学时。"),
    ):
        guide.append(list(line))
    guide["A1"].font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalized(value)


def _header(values: list) -> dict[str, int]:
    positions: dict[str, int] = {}
    unknown = []
    for index, value in enumerate(values):
        header = _cell(value).replace(" ", "").lstrip("\ufeff")
        if not header:
            continue
        header = HEADER_ALIASES.get(header, header)
        if header in HEADERS and header not in positions:
            positions[header] = index
        else:
            unknown.append(header)
    missing = [h for h in HEADERS if h not in positions]
    refuse_unlike_template(missing=missing, unknown=unknown)
    return positions


def parse_participants(file, *, name: str = "") -> ParticipantSheet:
    """Rows and per-row problems of an uploaded participants sheet; SheetRefused for the file whole."""
    return _read(read_sheet(file, name=name or getattr(file, "name", "") or ""))


def _read(rows: Iterator[tuple[int, list]]) -> ParticipantSheet:
    sheet = ParticipantSheet()
    positions: dict[str, int] | None = None
    first_row_of: dict[str, int] = {}
    data_rows = 0
    for number, values in rows:
        if positions is None:
            positions = _header(values)
            continue
        cells = {h: values[i] if i < len(values) else None for h, i in positions.items()}
        if not any(_cell(v) for v in cells.values()):
            continue
        data_rows += 1
        row, problems = _read_row(number, cells)
        if row is not None:
            if row.id_number in first_row_of:
                problems.append(
                    SheetProblem(
                        number,
                        ID_NUMBER,
                        _("The same person is already in row %(row)s of this file.")
                        % {"row": first_row_of[row.id_number]},
                    )
                )
            first_row_of.setdefault(row.id_number, number)
        sheet.errors.extend(problems)
        if row is not None and not problems:
            sheet.rows.append(row)
    if positions is None:
        raise SheetRefused(_("The file has no column names. Use the template."))
    if not data_rows:
        raise SheetRefused(_("The file lists nobody. Fill in one row per participant, from row 2."))
    return sheet


def _read_row(number: int, cells: dict) -> tuple[ParticipantRow | None, list[SheetProblem]]:
    problems = [
        SheetProblem(number, header, message)
        for header, value in cells.items()
        if (message := text_problem(value)) is not None
    ]
    if problems:
        return None, problems
    name = _cell(cells[NAME])
    if not name:
        problems.append(SheetProblem(number, NAME, _("Required: the participant's name as on the ID card.")))
    elif len(name) > 50:
        problems.append(SheetProblem(number, NAME, _("A name has at most 50 characters.")))
    id_number = _cell(cells[ID_NUMBER]).replace(" ", "").upper()
    if isinstance(cells[ID_NUMBER], int | float):
        problems.append(
            SheetProblem(
                number,
                ID_NUMBER,
                _(
                    "Excel stored the ID number as a number and may have changed its last digits. "
                    "Format the column as text and type the number again."
                ),
            )
        )
    elif not id_number:
        problems.append(SheetProblem(number, ID_NUMBER, _("Required: the 18-character resident ID number.")))
    else:
        try:
            validate_resident_id(id_number)
        except ValidationError as error:
            problems.append(SheetProblem(number, ID_NUMBER, error.messages[0]))
    hours = None
    raw_hours = cells[HOURS]
    try:
        hours = rules.parse_hours(raw_hours if isinstance(raw_hours, int | float) else _cell(raw_hours))
    except ValidationError as error:
        problems.append(SheetProblem(number, HOURS, error.messages[0]))
    if problems or hours is None:
        return (ParticipantRow(number, name, id_number, Decimal(0)) if id_number else None), problems
    return ParticipantRow(number, name, id_number, hours), problems


# --- against the ledger ----------------------------------------------------------------------------------
def participants_check(*, activity: Activity, employer: Employer, file, name: str = "") -> ParticipantSheet:
    """Parse `file` and match every row with the employer's holders on the activity's last day; every
    problem is named by row. Saves nothing. Four queries whatever the number of rows."""
    sheet = parse_participants(file, name=name)
    if not sheet.rows:
        return sheet
    people = {p.id_number: p for p in Person.objects.with_id_numbers([r.id_number for r in sheet.rows])}
    ever_holders = set(
        RegistrationCertificate.objects.filter(
            employer=employer, person__in=[p.pk for p in people.values()]
        ).values_list("person_id", flat=True)
    )
    matched: list[tuple[ParticipantRow, Person]] = []
    for row in sheet.rows:
        person = people.get(row.id_number)
        if person is None or person.pk not in ever_holders:
            sheet.errors.append(
                SheetProblem(
                    row.row,
                    ID_NUMBER,
                    _(
                        "Nobody with this resident ID number holds a registration certificate of your "
                        "enterprise. Check the number against the ID card."
                    ),
                )
            )
        elif normalize_name(row.name) != normalize_name(person.name):
            sheet.errors.append(
                SheetProblem(
                    row.row,
                    NAME,
                    _("The name does not match the one on record for this resident ID number (%(name)s).")
                    % {"name": person.name},
                )
            )
        else:
            row.person = person
            matched.append((row, person))
    entries = [services.Entry(person=person, hours=row.hours) for row, person in matched]
    for index, message in services.entry_problems(activity=activity, entries=entries, employer=employer):
        sheet.errors.append(SheetProblem(matched[index][0].row, None, message))
    failed = {e.row for e in sheet.errors}
    sheet.rows = [row for row, _person in matched if row.row not in failed]
    sheet.errors.sort(key=lambda e: e.row)
    return sheet
