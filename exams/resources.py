"""Spreadsheets of the catalogue and the scores (django-import-export), with Chinese column headers.

Imports validate every row in memory against data fetched once per file in before_import(), so a
file costs a constant handful of queries however many rows it has; rows are written with bulk
operations, and the admin rolls the whole file back if any row is invalid. Rows are matched on their
natural key (project code; person + project within the chosen session), never on `id`. A file missing
a column is refused whole with one reason, and its rows are not read. The admin reads files through the
upload guard and writes exports with formula escaping (registry/sheet_formats.py). The score import's
rules and writes are the exams service's (`results_import`); the resource only reads and reports.
"""

import copy
import logging

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.widgets import BooleanWidget

from common.text import normalize_code
from people.validators import mask_resident_id

from .models import AssessmentResult, AssessmentSession, MetrologyCategory, MetrologyProject
from .services import ScoreRow, ScoreRowsInvalid, results_import

logger = logging.getLogger(__name__)


def sheet_row(row_number: int) -> int:
    """The spreadsheet's own row number of django-import-export's `row_number` (which counts data rows
    from 1): the header is row 1, so the first data row is row 2 (also in the page's lists,
    templates/admin/spreadsheet_import.html)."""
    return row_number + 1


def cell_text(value: object) -> str:
    """A cell as text: whole numbers that a spreadsheet stored as numbers lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class ChineseBooleanWidget(BooleanWidget):
    TRUE_VALUES = [*BooleanWidget.TRUE_VALUES, "是", "Y", "y"]
    FALSE_VALUES = [*BooleanWidget.FALSE_VALUES, "否", "N", "n"]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("是" if value else "否")


class SafeExportResource(resources.ModelResource):
    def import_data(self, dataset, **kwargs):
        """All or nothing: a file with any invalid row is rolled back whole, also at the confirm step.

        The confirm step saves what the preview already showed, so it skips django-import-export's per-row
        diff (a deep copy and an HTML diff of every row: half the import's time, shown nowhere).
        """
        if not kwargs.get("dry_run", False):
            self._meta = copy.copy(type(self)._meta)  # this instance only; the class keeps its options
            self._meta.skip_diff = True
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)

    # The columns a file must have; a file without one is refused whole, before any row is read.
    REQUIRED_HEADERS: tuple[str, ...] = ()

    def before_import(self, dataset, **kwargs):
        """Check the headers, then prepare_import(); if the file is refused whole, its rows are dropped, so
        the result holds that one reason and not a confusing error for every row."""
        try:
            dataset.headers = [cell_text(h) for h in dataset.headers or []]
            missing = [h for h in self.REQUIRED_HEADERS if h not in dataset.headers]
            if missing:
                raise ValidationError(
                    _("The file lacks the columns %(columns)s; please use the template.")
                    % {"columns": "、".join(missing)}
                )
            self.prepare_import(dataset, **kwargs)
        except Exception:
            del dataset[:]
            raise

    def prepare_import(self, dataset, **kwargs) -> None:
        """Fetch what checking the rows needs, once per file."""

    def handle_import_error(self, result, error, raise_errors=False):
        """A whole-file error is shown as its message; anything unexpected as one plain sentence (its text
        may quote the file's data, so only its type is logged)."""
        if not isinstance(error, ValidationError):
            logger.warning("%s: import failed (%s)", type(self).__name__, type(error).__name__)
            error = ValidationError(
                _("The file could not be imported because of an error in the system; nothing was saved.")
            )
        super().handle_import_error(result, error, raise_errors)

    @staticmethod
    def _add(errors: dict[str, list[str]], key: str, *messages: str) -> None:
        errors.setdefault(key, []).extend(messages)


class ProjectResource(SafeExportResource):
    """The project catalogue; a row with a known code updates that project, a new code adds one."""

    code = Field(attribute="code", column_name="项目代码")
    name = Field(attribute="name", column_name="项目名称")
    category = Field(attribute="category__code", column_name="专业类别代码")
    is_active = Field(attribute="is_active", column_name="是否启用", widget=ChineseBooleanWidget())

    class Meta:
        model = MetrologyProject
        fields = ("code", "name", "category", "is_active")
        import_id_fields = ("code",)
        use_bulk = True
        batch_size = None
        skip_unchanged = True

    REQUIRED_HEADERS = ("项目代码", "项目名称", "专业类别代码")

    def prepare_import(self, dataset, **kwargs):
        self.categories = {c.code: c for c in MetrologyCategory.objects.all()}
        by_pk = {c.pk: c for c in self.categories.values()}
        self.existing = {p.code: p for p in MetrologyProject.objects.all()}
        for project in self.existing.values():
            project.category = by_pk[project.category_id]  # the preview's diff reads it: no query per row
        self.seen: dict[str, int] = {}

    def get_instance(self, instance_loader, row):
        return self.existing.get(normalize_code(cell_text(row.get("项目代码"))))

    def get_bulk_update_fields(self):
        return ["name", "category", "is_active"]

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        code, name = normalize_code(cell_text(row.get("项目代码"))), cell_text(row.get("项目名称"))
        category = self.categories.get(cell_text(row.get("专业类别代码")).zfill(2))
        if category is None:
            self._add(errors, "专业类别代码", _("Unknown category code; use a JJF 1022 code such as 12."))
        if code in self.seen:
            self._add(
                errors,
                "项目代码",
                _("Duplicate row: this code already appears in row %(row)d.") % {"row": self.seen[code]},
            )
        self.seen.setdefault(code, sheet_row(kwargs.get("row_number", 0)))
        active = cell_text(row.get("是否启用"))
        instance.code, instance.name = code, name
        try:
            instance.is_active = True if active == "" else self.fields["is_active"].widget.clean(active)
        except ValueError:
            self._add(errors, "是否启用", _("Enter 是 or 否."))
        if category is not None:
            instance.category = category
        for model_field, column in (("code", "项目代码"), ("name", "项目名称")):
            try:
                instance.clean_fields(
                    exclude=[f.name for f in instance._meta.fields if f.name != model_field]
                )
            except ValidationError as e:
                self._add(errors, column, *e.messages)
        if category is not None and "项目代码" not in errors:
            try:
                instance.clean()
            except ValidationError as e:
                self._add(errors, "项目代码", *e.messages)
        if errors:
            raise ValidationError(errors)


class ResultResource(SafeExportResource):
    """Scores of one session. A row names a person (name + resident ID) and a project (code).

    The session is chosen in the import form, never read from the file. The rules and the writes are
    exams.services.results_import's: it checks every row, then records the results (and, with
    `create_people`, adds people not yet in the registry) or nothing, and records the import. This
    resource reads the file into rows, calls it once per file (on the preview too, which is rolled back)
    and reports its outcome row by row.

    An export shows resident ID numbers masked unless the resource is made with `reveal_id_numbers`
    (the admin passes it only for a role allowed to see full numbers, and records the export).
    """

    NAME, ID_NUMBER, PROJECT, SKILL, KNOWLEDGE = "姓名", "身份证号", "项目代码", "操作技能成绩", "知识成绩"
    TEMPLATE_HEADERS = (NAME, ID_NUMBER, PROJECT, SKILL, KNOWLEDGE)
    # The service's field → this sheet's column, for the per-row messages.
    COLUMNS = {
        "name": NAME,
        "id_number": ID_NUMBER,
        "project": PROJECT,
        "skill": SKILL,
        "knowledge": KNOWLEDGE,
        NON_FIELD_ERRORS: NON_FIELD_ERRORS,
    }

    name = Field(attribute="person__name", column_name=NAME, readonly=True)
    id_number = Field(attribute="person__id_number", column_name=ID_NUMBER, readonly=True)
    project_code = Field(attribute="project__code", column_name=PROJECT, readonly=True)
    project_name = Field(attribute="project__name", column_name="项目名称", readonly=True)
    skill_score = Field(attribute="skill_score", column_name=SKILL)
    knowledge_score = Field(attribute="knowledge_score", column_name=KNOWLEDGE)
    passed = Field(attribute="passed", column_name="是否合格", readonly=True, widget=ChineseBooleanWidget())

    class Meta:
        model = AssessmentResult
        fields = (
            "name",
            "id_number",
            "project_code",
            "project_name",
            "skill_score",
            "knowledge_score",
            "passed",
        )
        import_id_fields = ("id_number", "project_code")
        use_bulk = True  # no per-row savepoints; nothing is saved row by row (see save_instance)
        batch_size = None

    def __init__(
        self,
        *,
        session: AssessmentSession | None = None,
        create_people: bool = False,
        reveal_id_numbers: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.session = session
        self.create_people = create_people
        self.reveal_id_numbers = reveal_id_numbers

    def dehydrate_id_number(self, result: AssessmentResult) -> str:
        number = result.person.id_number
        return number if self.reveal_id_numbers else mask_resident_id(number)

    REQUIRED_HEADERS = TEMPLATE_HEADERS

    def prepare_import(self, dataset, **kwargs):
        """The whole file through the service, in the import's transaction (rolled back if anything fails)."""
        if self.session is None:
            raise ValidationError(_("Choose the assessment session the scores belong to."))
        rows = [
            ScoreRow(
                number=number,
                name=cell_text(row.get(self.NAME)),
                id_number=normalize_code(cell_text(row.get(self.ID_NUMBER))),
                project_code=normalize_code(cell_text(row.get(self.PROJECT))),
                skill=row.get(self.SKILL),
                knowledge=row.get(self.KNOWLEDGE),
            )
            for number, row in enumerate(dataset.dict, 2)
        ]
        user = kwargs.get("user")
        by = user if user is not None and user.is_authenticated else None
        try:
            self.outcome = results_import(
                rows=rows, session=self.session, by=by, create_people=self.create_people
            )
        except ScoreRowsInvalid as invalid:
            self.outcome = invalid.outcome

    def before_import_row(self, row, **kwargs):
        self.row_outcome = self.outcome.rows[sheet_row(kwargs["row_number"])]

    def get_instance(self, instance_loader, row):
        return self.row_outcome.result if self.row_outcome.unchanged else None

    def init_instance(self, row=None):
        return AssessmentResult(session=self.session)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self.row_outcome.unchanged and not import_validation_errors

    def import_instance(self, instance, row, **kwargs):
        """The row's outcome: its problems, or the result the service recorded (shown in the preview)."""
        outcome = self.row_outcome
        if outcome.errors:
            raise ValidationError({self.COLUMNS[key]: messages for key, messages in outcome.errors.items()})
        if outcome.unchanged or outcome.result is None:
            return
        done = outcome.result
        instance.person, instance.project = done.person, done.project
        instance.skill_score, instance.knowledge_score, instance.passed = (
            done.skill_score,
            done.knowledge_score,
            done.passed,
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        """Nothing to save: exams.services.results_import wrote the file's results in prepare_import."""


def results_template_xlsx() -> bytes:
    """The score sheet template: the Chinese headers, one example row, and text-formatted ID and code
    columns so that a spreadsheet keeps 18-digit ID numbers and codes such as 12.10 intact."""
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "成绩"
    sheet.append(list(ResultResource.TEMPLATE_HEADERS))
    sheet.append(["张三", "230102199001011234", "12.01", 85.5, 72])
    for column in ("B", "C"):
        sheet.column_dimensions[column].width = 22
        for cell in sheet[column]:
            cell.number_format = "@"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
