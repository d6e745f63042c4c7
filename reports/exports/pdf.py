"""The report as a PDF (A4, embedded Chinese font, charts drawn in the PDF, page numbers, a cover)."""

from reports.document import ReportDocument


def render_pdf(document: ReportDocument) -> bytes:
    raise NotImplementedError("being written (issue 17)")
