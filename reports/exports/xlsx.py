"""The report as an XLSX workbook (a sheet per section, real numbers, formula-safe text)."""

from reports.document import ReportDocument


def render_xlsx(document: ReportDocument) -> bytes:
    raise NotImplementedError("being written (issue 17)")
