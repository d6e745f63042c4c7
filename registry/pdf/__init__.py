"""Certificate PDFs: `render_certificate_pdf(CertificateDocument(...)) -> bytes`.

Streams (the embedded font, the photo) are written binary, not ASCII85: reportlab 4 encodes ASCII85 in
pure Python, which cost 18 ms of a certificate's 37 (docs/performance.md, figure 5), and made the file a
quarter larger. A PDF is a binary file either way.
"""

from reportlab import rl_config

from .certificate import TITLE, render_certificate_pdf
from .document import ISSUING_BODY, CertificateDocument, PrintedProject, PrintedState
from .fonts import MissingGlyphsError

rl_config.useA85 = 0

__all__ = [
    "ISSUING_BODY",
    "TITLE",
    "CertificateDocument",
    "MissingGlyphsError",
    "PrintedProject",
    "PrintedState",
    "render_certificate_pdf",
]
