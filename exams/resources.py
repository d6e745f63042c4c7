"""Spreadsheets of the catalogue and the scores (django-import-export), with Chinese column headers.

Imports validate every row in memory against data fetched once per file in before_import(), so a
file costs a constant handful of queries however many rows it has; rows are written with bulk
operations, and the admin rolls the whole file back if any row is invalid. Rows are matched on their
natural key (project code; person + project within the chosen session), never on `id`. A file missing
a column is refused whole with one reason, and its rows are not read. The admin reads files through the
upload guard and writes exports with formula escaping (registry/sheet_formats.py).
"""

import copy
import logging

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.widgets import BooleanWidget

from registry.models import Person
from registry.text import text_problem
from registry.validators import mask_resident_id, normalize_name, normalize_resident_id, validate_resident_id

from . import rules
from .models import AssessmentResult, AssessmentSession, MetrologyCategory, MetrologyProject
from .services import already_recorded_message

logger = logging.getLogger(__name__)


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
        return self.existing.get(cell_text(row.get("项目代码")))

    def get_bulk_update_fields(self):
        return ["name", "category", "is_active"]

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        code, name = cell_text(row.get("项目代码")), cell_text(row.get("项目名称"))
        category = self.categories.get(cell_text(row.get("专业类别代码")).zfill(2))
        if category is None:
            self._add(errors, "专业类别代码", _("Unknown category code; use a JJF 1022 code such as 12."))
        if code in self.seen:
            self._add(
                errors,
                "项目代码",
                _("Duplicate row: this code already appears in row %(row)d.") % {"row": self.seen[code]},
            )
        self.seen.setdefault(code, kwargs.get("row_number", 0))
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

    The session is chosen in the import form, never read from the file, and rows match existing
    results only within it (person + project). A result already recorded is left as it is when the row
    repeats its scores and refused when it does not: a recorded score changes only by a correction with
    its reason (exams.services.result_correct). With `create_people`, a valid resident ID number not
    yet in the registry adds the person (the training centre assesses people before they register),
    all in one insert; without it such a row is refused.

    An export shows resident ID numbers masked unless the resource is made with `reveal_id_numbers`
    (the admin passes it only for a role allowed to see full numbers, and records the export).
    """

    NAME, ID_NUMBER, PROJECT, SKILL, KNOWLEDGE = "姓名", "身份证号", "项目代码", "操作技能成绩", "知识成绩"
    TEMPLATE_HEADERS = (NAME, ID_NUMBER, PROJECT, SKILL, KNOWLEDGE)

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
        use_bulk = True
        batch_size = None  # one bulk write per file (the database backend still splits huge ones)

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
        self.people_created = 0

    def dehydrate_id_number(self, result: AssessmentResult) -> str:
        number = result.person.id_number
        return number if self.reveal_id_numbers else mask_resident_id(number)

    REQUIRED_HEADERS = TEMPLATE_HEADERS

    def prepare_import(self, dataset, **kwargs):
        if self.session is None:
            raise ValidationError(_("Choose the assessment session the scores belong to."))
        rows = [
            (normalize_resident_id(cell_text(i)), cell_text(n))
            for i, n in zip(dataset[self.ID_NUMBER], dataset[self.NAME], strict=True)
        ]
        valid_ids = {number for number, _name in rows if self._id_error(number) is None}
        self.people = {p.id_number: p for p in Person.objects.with_id_numbers(valid_ids)}
        if self.create_people:
            self._create_missing_people(rows)
        projects = list(MetrologyProject.objects.all())
        self.projects = {p.code: p for p in projects}
        self.session_project_ids = set(self.session.projects.values_list("pk", flat=True))
        people_by_pk = {p.pk: p for p in self.people.values()}
        projects_by_pk = {p.pk: p for p in projects}
        self.existing = {}
        for result in AssessmentResult.objects.filter(session=self.session, person_id__in=people_by_pk):
            result.person, result.project = people_by_pk[result.person_id], projects_by_pk[result.project_id]
            self.existing[(result.person_id, result.project_id)] = result
        self.seen: dict[tuple[int, int], int] = {}
        self.now = timezone.now()

    def _create_missing_people(self, rows: list[tuple[str, str]]) -> None:
        """One insert for every valid, unknown resident ID whose rows agree on a name."""
        names: dict[str, set[str]] = {}
        for number, name in rows:
            if number and name and number not in self.people and self._id_error(number) is None:
                names.setdefault(number, set()).add(normalize_name(name))
        new = []
        for number, candidates in names.items():
            person = Person(id_number=number, name=next(iter(candidates)))
            if len(candidates) == 1 and len(person.name) <= Person._meta.get_field("name").max_length:
                new.append(person)
        Person.objects.bulk_create(new)
        self.people.update({p.id_number: p for p in new})
        self.people_created = len(new)

    @staticmethod
    def _id_error(number: str) -> list[str] | None:
        try:
            validate_resident_id(number)
        except ValidationError as e:
            return e.messages
        return None

    def _key(self, row) -> tuple[Person | None, MetrologyProject | None]:
        number = normalize_resident_id(cell_text(row.get(self.ID_NUMBER)))
        return self.people.get(number), self.projects.get(cell_text(row.get(self.PROJECT)))

    def get_instance(self, instance_loader, row):
        person, project = self._key(row)
        if person is None or project is None:
            return None
        return self.existing.get((person.pk, project.pk))

    def init_instance(self, row=None):
        return AssessmentResult(session=self.session)

    def get_bulk_update_fields(self):
        return ["skill_score", "knowledge_score", "passed", "recorded_by", "recorded_at"]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A recorded result reaches here only with its recorded scores (others are refused): unchanged."""
        return instance.pk is not None and not import_validation_errors

    def import_instance(self, instance, row, **kwargs):
        """Check the row against what before_import() fetched; every problem of the row is reported."""
        errors: dict[str, list[str]] = {}
        name = cell_text(row.get(self.NAME))
        number = normalize_resident_id(cell_text(row.get(self.ID_NUMBER)))
        code = cell_text(row.get(self.PROJECT))
        person, project = self._key(row)
        if not name:
            self._add(errors, self.NAME, _("Enter the name."))
        elif (problem := text_problem(name)) is not None:
            self._add(errors, self.NAME, problem)
        if not number:
            self._add(errors, self.ID_NUMBER, _("Enter the resident ID number."))
        elif (id_errors := self._id_error(number)) is not None:
            self._add(errors, self.ID_NUMBER, *id_errors)
        elif person is None:
            self._add(
                errors, self.ID_NUMBER, _("Unknown resident ID number: no person in the registry has it.")
            )
        elif name and normalize_name(name) != normalize_name(person.name):
            self._add(
                errors,
                self.NAME,
                _("The name does not match the resident ID number (the registry has “%(name)s”).")
                % {"name": person.name},
            )
        if not code:
            self._add(errors, self.PROJECT, _("Enter the project code."))
        elif project is None:
            self._add(errors, self.PROJECT, _("Unknown metrology project code “%(code)s”.") % {"code": code})
        elif project.pk not in self.session_project_ids:
            self._add(
                errors,
                self.PROJECT,
                _("Project %(project)s is not assessed in this session.") % {"project": project},
            )
        scores = {}
        for column in (self.SKILL, self.KNOWLEDGE):
            try:
                scores[column] = rules.parse_score(row.get(column))
            except ValidationError as e:
                self._add(errors, column, *e.messages)
        if person is not None and project is not None:
            key = (person.pk, project.pk)
            if key in self.seen:
                self._add(
                    errors,
                    NON_FIELD_ERRORS,
                    _("Duplicate row: this person and project already appear in row %(row)d.")
                    % {"row": self.seen[key]},
                )
            else:
                self.seen[key] = kwargs.get("row_number", 0)
            recorded = (instance.skill_score, instance.knowledge_score)
            if (
                instance.pk is not None
                and len(scores) == 2
                and recorded != (scores[self.SKILL], scores[self.KNOWLEDGE])
            ):
                # A recorded score changes only by a correction with its reason (services.result_correct).
                self._add(errors, NON_FIELD_ERRORS, already_recorded_message())
        if errors:
            raise ValidationError(errors)
        if instance.pk is not None:
            return  # the same scores again: nothing to write (skip_row)
        instance.person, instance.project = person, project
        instance.skill_score, instance.knowledge_score = scores[self.SKILL], scores[self.KNOWLEDGE]
        instance.passed = rules.passed(instance.skill_score, instance.knowledge_score)
        user = kwargs.get("user")
        instance.recorded_by_id = user.pk if user is not None and user.is_authenticated else None
        instance.recorded_at = self.now


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
