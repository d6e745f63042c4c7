"""Certificate PDFs: `render_certificate_pdf(CertificateDocument(...)) -> bytes`."""

from .certificate import TITLE, render_certificate_pdf
from .document import ISSUING_BODY, CertificateDocument, PrintedProject, PrintedState
from .fonts import MissingGlyphsError

__all__ = [
    "ISSUING_BODY",
    "TITLE",
    "CertificateDocument",
    "MissingGlyphsError",
    "PrintedProject",
    "PrintedState",
    "render_certificate_pdf",
]
