"""django-import-export's file formats for this registry: guarded imports, exports safe to open.

- `SheetImport`: the one import format, .xlsx or .csv told apart by content, read through the upload guard
  (registry/sheet_files.py: size, unpacked size, rows, streaming) into a tablib Dataset. JSON, YAML, HTML
  and TSV imports are not offered: each would be another parser without those limits.
- Exports escape only where a spreadsheet can run a formula. CSV and TSV: a cell that looks like a
  formula (registry/text.py: =, @, + or - before anything but a number, even after spaces, tabs or
  newlines) gets a leading apostrophe, the escape Excel and WPS understand. XLSX: every text cell is
  written as text (never as a formula) and such a cell is marked "quote prefix", so Excel shows the text
  as typed, without a visible apostrophe, and keeps it text when the cell is edited. JSON and HTML are
  not spreadsheets: their values are exported unchanged.

`GuardedImportAdminMixin` gives an import-export ModelAdmin these formats, the upload limit and readable
errors; tests/registry/test_spreadsheet_paths.py fails for any admin that offers an import or export
without it.
"""

import datetime as dt
import io
import logging

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.forms import ImportForm

from common.sheet_files import (
    SheetLimits,
    SheetRefused,
    check_sheet_size,
    read_sheet,
    sheet_upload_throttled,
    throttled_message,
)
from common.text import looks_like_formula

logger = logging.getLogger(__name__)


class SheetImport(base_formats.Format):
    """An .xlsx workbook or a .csv file (UTF-8 or GBK), whichever the bytes are."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # the library passes its text encoding; the guard tells encodings itself

    def get_title(self):
        return _("Excel workbook (.xlsx) or CSV file")

    def get_extension(self):
        return "xlsx"

    def can_import(self):
        return True

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        """The first sheet as a Dataset: its first filled row the headers, every later filled row data.

        Raises SheetRefused for a file the guard refuses or that holds no data.
        """
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8")
        rows = read_sheet(io.BytesIO(data), limits=SheetLimits.from_settings())
        dataset = tablib.Dataset()
        width = 0
        for _number, values in rows:
            if not width:
                headers = ["" if v is None else str(v).strip() for v in values]
                while headers and not headers[-1]:
                    headers.pop()
                width = len(headers)
                dataset.headers = headers
                continue
            cells = (list(values) + [None] * width)[:width]
            if any(v is not None and str(v).strip() for v in cells):
                dataset.append(cells)
        if not width:
            raise SheetRefused(_("The file has no column names in its first row. Use the template."))
        if not len(dataset):
            raise SheetRefused(_("The file has no rows below its column names."))
        return dataset


def _escaped_rows(dataset) -> tablib.Dataset:
    """A copy of `dataset` whose formula-looking text cells start with an apostrophe."""
    escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append(["'" + v if looks_like_formula(v) else v for v in row])
    return escaped


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return _escaped_rows(dataset).export("csv", **kwargs)


class SafeTSV(base_formats.TSV):
    def export_data(self, dataset, **kwargs):
        return _escaped_rows(dataset).export("tsv", **kwargs)


class SafeXLSX(base_formats.XLSX):
    """Text cells as text, formula-looking ones quote-prefixed; characters XML cannot hold replaced."""

    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=_("Data"))

        def cell(value, *, bold: bool = False):
            if isinstance(value, dt.datetime) and timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
            written = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                written.data_type = "s"  # never a formula, whatever it starts with
                if looks_like_formula(value):
                    written.quotePrefix = True
            if bold:
                written.font = Font(bold=True)
            return written

        if dataset.headers:
            sheet.append([cell(h, bold=True) for h in dataset.headers])
        for row in dataset:
            sheet.append([cell(v) for v in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


IMPORT_FORMATS = [SheetImport]
EXPORT_FORMATS = [SafeXLSX, SafeCSV, SafeTSV, base_formats.JSON, base_formats.HTML]


# --- the admin side ------------------------------------------------------------------------------------
class GuardedImportForm(ImportForm):
    """The admin's import form: an upload over the size limit is refused before it is stored anywhere."""

    def clean_import_file(self):
        file = self.cleaned_data["import_file"]
        try:
            check_sheet_size(file)
        except SheetRefused as refused:
            raise forms.ValidationError(str(refused), code="sheet_refused") from refused
        return file


class GuardedImportAdminMixin:
    """For an import-export ModelAdmin: the guard's messages in Chinese, the per-user upload limit, and the
    error page that shows reasons, never an exception's text or a traceback."""

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_form_class = GuardedImportForm
    import_template_name = "admin/spreadsheet_import.html"

    def _guarded_import_action(self, request, **kwargs):
        if (
            request.method == "POST"
            and self.has_import_permission(request)
            and sheet_upload_throttled(request)
        ):
            self.message_user(request, throttled_message(), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().import_action(request, **kwargs)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["sheet_limits"] = SheetLimits.from_settings()
        return context

    def import_action(self, request, **kwargs):
        response = self._guarded_import_action(request, **kwargs)
        return self._columns_of_the_template(request, response)

    def _columns_of_the_template(self, request, response):
        """The page lists the columns of the template it offers (a resource's TEMPLATE_HEADERS), not the
        fields an export adds (a score sheet has no 项目名称 or 是否合格 column to fill in)."""
        context = getattr(response, "context_data", None) or {}
        listed = context.get("fields_list")
        if listed:
            classes = self.get_import_resource_classes(request)
            context["fields_list"] = [
                (name, list(getattr(cls, "TEMPLATE_HEADERS", columns)))
                for (name, columns), cls in zip(listed, classes, strict=False)
            ]
        return response

    def process_import(self, request, **kwargs):
        """The confirm step reads the stored file again, through the same guard."""
        try:
            return super().process_import(request, **kwargs)
        except SheetRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SheetRefused):
            form.add_error("import_file", str(e))
            return
        logger.warning("spreadsheet import: unreadable file (%s)", type(e).__name__)
        form.add_error(
            "import_file",
            _("The file cannot be read. Save it in Excel as .xlsx (or as CSV) and upload it again."),
        )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """As django-import-export's, but our XLSX keeps numbers and dates native (the library checks the
        format's exact class, which ours is not)."""
        if not isinstance(file_format, SafeXLSX):
            return super().get_export_data(file_format, request, queryset, **kwargs)
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        return file_format.export_data(data)
