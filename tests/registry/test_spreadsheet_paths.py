"""Every spreadsheet path in the admin, found from the admin site itself: imports through the guard,
exports escaped only where a formula can run (issue 11 items 3 and 9c).

Before the fix, " =1+1" or "\\n=HYPERLINK(...)" (a space or newline before the formula) was exported
unescaped, and the escaping apostrophe showed in xlsx, json and html exports.
"""

import csv
import io
import json

import pytest
from django.contrib import admin
from django.urls import reverse
from import_export.admin import ExportMixin, ImportMixin
from import_export.formats import base_formats
from openpyxl import load_workbook

from common.sheet_formats import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    GuardedImportAdminMixin,
    SafeCSV,
    SafeTSV,
    SafeXLSX,
)
from exams.models import AssessmentResult, MetrologyProject
from tests.factories import AssessmentResultFactory, MetrologyProjectFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULAS = [
    " =1+1",
    '\n=HYPERLINK("http://evil.example","点我")',
    "\t@SUM(A1)",
    " -2+3",
    "+cmd|' /C calc'!A0",
]
PLAIN = ["张三", "-5", "+8613904510000", "李-四"]


def spreadsheet_admins():
    return [ma for ma in admin.site._registry.values() if isinstance(ma, ImportMixin | ExportMixin)]


def test_every_import_and_export_in_the_admin_goes_through_the_guarded_formats():
    admins = spreadsheet_admins()
    assert {type(ma).__name__ for ma in admins} >= {"AssessmentResultAdmin", "MetrologyProjectAdmin"}
    for model_admin in admins:
        assert isinstance(model_admin, GuardedImportAdminMixin), type(model_admin).__name__
        if isinstance(model_admin, ImportMixin):
            assert model_admin.get_import_formats() == IMPORT_FORMATS
        if isinstance(model_admin, ExportMixin):
            assert set(model_admin.get_export_formats()) <= set(EXPORT_FORMATS)


@pytest.fixture
def centre(client, training_centre_user):
    client.force_login(training_centre_user)
    return client


def export(client, model, format_class) -> bytes:
    """Through the admin's export page, as a person would: every field ticked, the format chosen."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
    form = client.get(url).context["form"]
    index = admin.site._registry[model].get_export_formats().index(format_class)
    data = {"format": str(index), "resource": "0"}
    data.update(
        {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}
    )
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.fixture
def results():
    project = MetrologyProjectFactory(name="压力表")
    people = [PersonFactory(name=name) for name in FORMULAS + PLAIN]
    for person in people:
        AssessmentResultFactory(person=person, project=project)
    return people


def _names_from_rows(rows: list[list[str]]) -> set[str]:
    header = rows[0]
    column = header.index("姓名")
    return {row[column] for row in rows[1:]}


@pytest.mark.parametrize(("format_class", "delimiter"), [(SafeCSV, ","), (SafeTSV, "\t")])
def test_text_exports_escape_every_formula_even_after_spaces_and_newlines(
    centre, results, format_class, delimiter
):
    content = export(centre, AssessmentResult, format_class).decode("utf-8-sig")

    names = _names_from_rows(list(csv.reader(io.StringIO(content), delimiter=delimiter)))

    assert names == {"'" + f for f in FORMULAS} | set(PLAIN)


def test_xlsx_export_stores_formulas_as_text_cells_without_a_visible_apostrophe(centre, results):
    sheet = load_workbook(io.BytesIO(export(centre, AssessmentResult, SafeXLSX))).active
    header = [c.value for c in sheet[1]]
    column = header.index("姓名") + 1
    cells = {
        sheet.cell(row=r, column=column).value: sheet.cell(row=r, column=column)
        for r in range(2, sheet.max_row + 1)
    }

    assert set(cells) == set(FORMULAS) | set(PLAIN)
    for value, cell in cells.items():
        assert cell.data_type == "s", value  # text, never a formula
        assert cell.quotePrefix is (value in FORMULAS), value  # Excel keeps it text when edited


def test_xlsx_export_keeps_numbers_and_dates_native():
    import datetime as dt
    from decimal import Decimal

    import tablib

    dataset = tablib.Dataset(["张三", Decimal("85.5"), 72, dt.date(2026, 5, 20), None], headers=list("abcde"))
    sheet = load_workbook(io.BytesIO(SafeXLSX().export_data(dataset))).active

    assert [c.value for c in sheet[2]][1:4] == [85.5, 72, dt.datetime(2026, 5, 20)]
    assert [c.data_type for c in sheet[2]][:3] == ["s", "n", "n"]


def test_json_and_html_exports_carry_the_values_unchanged(centre, results):
    rows = json.loads(export(centre, AssessmentResult, base_formats.JSON))
    html = export(centre, AssessmentResult, base_formats.HTML).decode()

    assert {row["姓名"] for row in rows} == set(FORMULAS) | set(PLAIN)
    assert "'=" not in html
    assert "'+cmd" not in html
    assert "-2+3" in html


def test_the_catalogue_export_is_escaped_too(centre):
    MetrologyProjectFactory(code="12.777", name=" =1+1")

    content = export(centre, MetrologyProject, SafeCSV).decode("utf-8-sig")

    assert "' =1+1" in content


def test_an_export_of_text_with_characters_xml_cannot_hold_still_opens(centre):
    AssessmentResultFactory(person=PersonFactory(name="张\x07三"))

    sheet = load_workbook(io.BytesIO(export(centre, AssessmentResult, SafeXLSX))).active

    assert sheet.cell(row=2, column=1).value == "张\N{REPLACEMENT CHARACTER}三"


def test_only_staff_with_the_view_right_may_export(client):
    from accounts.roles import Role

    client.force_login(UserFactory(role=Role.INSPECTOR, is_staff=True))

    assert client.get(reverse("admin:exams_assessmentresult_export")).status_code == 403
