"""Small real files for upload tests: a valid PDF (reportlab), a 2-inch photo and a filled-in sheet."""

import io

from PIL import Image


def pdf_bytes(text: str = "application form") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def photo_png(width: int = 413, height: int = 579) -> bytes:
    """A 2-inch photo's shape (35:49) and size, in PNG."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 210, 230)).save(out, format="PNG")
    return out.getvalue()


def sheet_xlsx(rows: list[list[str]]) -> bytes:
    """The portal's own template with `rows` filled in from row 2, as a clerk would."""
    from openpyxl import load_workbook

    from registry.spreadsheets import build_template

    workbook = load_workbook(io.BytesIO(build_template()))
    sheet = workbook.worksheets[0]
    for number, values in enumerate(rows, start=2):  # the template formats rows ahead: write in place
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
