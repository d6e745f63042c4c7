"""The report as files: `render_pdf(document)` and `render_xlsx(document)`, each returning bytes."""

from .pdf import render_pdf
from .xlsx import render_xlsx

__all__ = ["render_pdf", "render_xlsx"]
