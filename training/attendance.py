"""Importing an activity's attendance list (association staff): check every row, then save all or none.

The sheet has the columns 姓名, 公民身份号码 and 学时 (a fixed Chinese file format, whatever the page
language; 身份证号 is read as 公民身份号码). Only those columns are read: a sheet cannot set the state,
the employer or anything else. The file goes through the project's one upload guard
(common/sheet_files.py: size, unpacked size, rows, streaming), and the rows are checked against the
registry with queries per file, not per row:

- the name: present, no formula or invisible characters, and the registry's name for that ID number;
- the resident ID number: valid, on record (found by its blind index, never compared in clear), once;
- the hours: in half-hour steps, more than 0 and at most the activity's; not already recorded
  (training.services.entry_problems, the rule the clerks' recording uses too).

`attendance_check` reads and reports; `attendance_import` checks again and records through
`participations_record(employer=None)`, or raises AttendanceRejected and saves nothing. Messages name
the row and the column; they never repeat an ID number.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.sheet_files import SheetRefused, read_sheet
from common.text import text_problem
from people.models import Person
from people.validators import mask_resident_id, normalize_name, normalize_resident_id, validate_resident_id

from . import rules
from .models import Activity, Participation
from .services import Entry, entry_problems, participations_record

NAME, ID_NUMBER, HOURS = "姓名", "公民身份号码", "学时"
HEADERS = (NAME, ID_NUMBER, HOURS)
HEADER_ALIASES = {"身份证号": ID_NUMBER, "身份证号码": ID_NUMBER, "居民身份证号码": ID_NUMBER}


@dataclass(frozen=True)
class AttendanceRow:
    row: int
    name: str
    masked_id_number: str
    hours: Decimal | None
    person: Person | None


@dataclass(frozen=True)
class AttendanceProblem:
    row: int | None  # None: the file as a whole
    column: str
    message: str


@dataclass
class AttendanceCheck:
    rows: list[AttendanceRow] = field(default_factory=list)
    problems: list[AttendanceProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems

    @property
    def entries(self) -> list[Entry]:
        return [Entry(r.person, r.hours) for r in self.rows if r.person is not None and r.hours is not None]

    @property
    def total_hours(self) -> Decimal:
        return sum((r.hours for r in self.rows if r.hours is not None), Decimal("0"))


class AttendanceRejected(Exception):
    def __init__(self, check: AttendanceCheck):
        super().__init__("attendance list rejected")
        self.check = check


def cell_text(value: object) -> str:
    """A cell as text: whole numbers a spreadsheet stored as numbers lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _id_problem(number: str) -> str | None:
    try:
        validate_resident_id(number)
    except ValidationError as error:
        return error.messages[0]
    return None


def _read_rows(file: IO[bytes]) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The columns' positions and the data rows (sheet row number, cells). SheetRefused for a file the
    guard refuses or whose first filled row lacks a column."""
    rows = read_sheet(file, name=getattr(file, "name", "") or "")
    positions: dict[str, int] = {}
    data: list[tuple[int, list]] = []
    for number, values in rows:
        if not positions:
            for index, value in enumerate(values):
                header = HEADER_ALIASES.get(cell_text(value), cell_text(value))
                if header in HEADERS and header not in positions:
                    positions[header] = index
            missing = [h for h in HEADERS if h not in positions]
            if missing:
                raise SheetRefused(
                    _("The file lacks the columns %(columns)s; please use the template.")
                    % {"columns": "、".join(missing)}
                )
            continue
        data.append((number, values))
    if not positions:
        raise SheetRefused(_("The file has no column names in its first row. Use the template."))
    if not data:
        raise SheetRefused(_("The file has no rows below its column names."))
    return positions, data


def attendance_check(*, activity: Activity, file: IO[bytes]) -> AttendanceCheck:
    """Every row of the attendance list and every problem, by row number; saves nothing.

    Raises SheetRefused when the file as a whole cannot be read (the guard's reasons, missing columns).
    """
    positions, data = _read_rows(file)

    def cell(values: list, column: str) -> object:
        index = positions[column]
        return values[index] if index < len(values) else None

    parsed = []
    for number, values in data:
        name = cell_text(cell(values, NAME))
        id_number = normalize_resident_id(cell_text(cell(values, ID_NUMBER)))
        parsed.append((number, name, id_number, cell(values, HOURS)))
    valid_ids = {n for _r, _name, n, _h in parsed if n and _id_problem(n) is None}
    people = {p.id_number: p for p in Person.objects.with_id_numbers(valid_ids)} if valid_ids else {}

    check = AttendanceCheck()
    seen: dict[str, int] = {}
    pending: list[tuple[int, Entry]] = []  # (row, entry) of rows with no problem so far

    def problem(row: int, column: str, message: str) -> None:
        check.problems.append(AttendanceProblem(row, column, message))

    for number, name, id_number, hours_cell in parsed:
        before = len(check.problems)
        if not name:
            problem(number, NAME, _("Enter the name."))
        elif (text_error := text_problem(name)) is not None:
            problem(number, NAME, text_error)
        person = None
        if not id_number:
            problem(number, ID_NUMBER, _("Enter the resident ID number."))
        elif (id_error := _id_problem(id_number)) is not None:
            problem(number, ID_NUMBER, id_error)
        elif (person := people.get(id_number)) is None:
            problem(number, ID_NUMBER, _("Unknown resident ID number: no person in the registry has it."))
        elif name and normalize_name(name) != normalize_name(person.name):
            problem(
                number,
                NAME,
                _("The name does not match the resident ID number (the registry has “%(name)s”).")
                % {"name": person.name},
            )
        if id_number and id_number in seen:
            problem(
                number,
                ID_NUMBER,
                _("Duplicate row: this person already appears in row %(row)d.") % {"row": seen[id_number]},
            )
        elif id_number:
            seen[id_number] = number
        hours = None
        try:
            hours = rules.parse_hours(hours_cell)
        except ValidationError as error:
            for message in error.messages:
                problem(number, HOURS, message)
        check.rows.append(
            AttendanceRow(
                row=number,
                name=name,
                masked_id_number=mask_resident_id(id_number) if id_number else "",
                hours=hours,
                person=person,
            )
        )
        if len(check.problems) == before and person is not None and hours is not None:
            pending.append((number, Entry(person, hours)))
    # The ledger's own rule for the rest: hours over the activity's, already recorded.
    for index, message in entry_problems(activity=activity, entries=[e for _r, e in pending], employer=None):
        column = ID_NUMBER if _is_about_person(message, pending[index][1]) else HOURS
        problem(pending[index][0], column, message)
    check.problems.sort(key=lambda p: (p.row or 0, list(HEADERS).index(p.column)))
    return check


def _is_about_person(message: str, entry: Entry) -> bool:
    """entry_problems' messages about the person (twice, already recorded) name them; those about hours
    do not."""
    return entry.person.name in message


@transaction.atomic
def attendance_import(*, activity: Activity, file: IO[bytes], by: User) -> list[Participation]:
    """Check the list again (the registry may have changed since the preview) and record every row, or
    raise AttendanceRejected (or SheetRefused) and save nothing. The entries await confirmation."""
    check = attendance_check(activity=activity, file=file)
    if not check.ok:
        raise AttendanceRejected(check)
    try:
        return participations_record(activity=activity, entries=check.entries, by=by, employer=None)
    except ValidationError as error:  # a race with another recording of the same people
        check.problems = [AttendanceProblem(None, "", m) for m in error.messages]
        raise AttendanceRejected(check) from None


def attendance_template_xlsx() -> bytes:
    """The attendance list template: the Chinese headers, one example row, the ID column as text so that
    a spreadsheet keeps 18-digit numbers intact."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "签到名单"
    sheet.append(list(HEADERS))
    sheet.append(["张三", "230102199001011234", 8])
    sheet.column_dimensions["B"].width = 24
    for cell in sheet["B"]:
        cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
