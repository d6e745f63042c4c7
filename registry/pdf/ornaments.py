"""The certificate's decoration and the photo's normalisation: drawing helpers without content rules."""

import io
import math
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageOps
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import FONT_NAME

PAGE_WIDTH, PAGE_HEIGHT = A4
RED = colors.HexColor("#a31f24")
PALE = colors.HexColor("#fbf7ee")
PHOTO_PIXELS = (413, 579)  # 35 x 49 mm (二寸) at 300 dpi
SEAL_RADIUS = 19 * mm


@dataclass(frozen=True)
class SealPlacement:
    """Where the printed seal is: the page (0 = first) and its box (x1, y1, x2, y2) in PDF points.
    The digital signature's visible field covers it (registry/signing.py)."""

    page: int
    box: tuple[float, float, float, float]


def draw_frame(canvas: Canvas) -> None:
    canvas.setFillColor(PALE)
    canvas.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
    canvas.setStrokeColor(RED)
    outer, inner = 10 * mm, 13.5 * mm
    canvas.setLineWidth(3)
    canvas.rect(outer, outer, PAGE_WIDTH - 2 * outer, PAGE_HEIGHT - 2 * outer)
    canvas.setLineWidth(0.8)
    canvas.rect(inner, inner, PAGE_WIDTH - 2 * inner, PAGE_HEIGHT - 2 * inner)
    # A small lozenge in each corner between the two lines.
    canvas.setFillColor(RED)
    middle = (outer + inner) / 2
    for x in (middle, PAGE_WIDTH - middle):
        for y in (middle, PAGE_HEIGHT - middle):
            path = canvas.beginPath()
            path.moveTo(x, y + 3.2 * mm)
            path.lineTo(x + 3.2 * mm, y)
            path.lineTo(x, y - 3.2 * mm)
            path.lineTo(x - 3.2 * mm, y)
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)


def draw_spaced_centred(canvas: Canvas, text: str, x: float, y: float, *, spacing: float) -> None:
    font, size = canvas._fontname, canvas._fontsize
    width = canvas.stringWidth(text, font, size) + spacing * (len(text) - 1)
    canvas.saveState()  # the character spacing would otherwise stay in force for every later string
    t = canvas.beginText(x - width / 2, y)
    t.setFont(font, size)
    t.setCharSpace(spacing)
    t.textOut(text)
    canvas.drawText(t)
    canvas.restoreState()


def normalise_photo(photo: bytes) -> bytes:
    """The photo cropped to 35:49, 413 x 579 px, RGB JPEG: about 40 KB whatever the upload was."""
    try:
        with PILImage.open(io.BytesIO(photo)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
            fitted = ImageOps.fit(upright, PHOTO_PIXELS, method=PILImage.Resampling.LANCZOS)
            out = io.BytesIO()
            fitted.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue()
    except (OSError, PILImage.DecompressionBombError) as error:
        raise ValueError(f"the holder's photo is not a usable image: {error}") from error


def draw_seal(canvas: Canvas, body: str, cx: float, cy: float) -> SealPlacement:
    """A ring with the issuing body's name round its top and a star: printed, plainly not a wet seal.
    Returns where it is on the page (a flowable draws in its own coordinates)."""
    radius = SEAL_RADIUS
    x1, y1 = canvas.absolutePosition(cx - radius, cy - radius)
    x2, y2 = canvas.absolutePosition(cx + radius, cy + radius)
    placement = SealPlacement(page=canvas.getPageNumber() - 1, box=(x1, y1, x2, y2))
    canvas.saveState()
    canvas.setStrokeColor(RED)
    canvas.setFillColor(RED)
    canvas.setFillAlpha(0.85)
    canvas.setStrokeAlpha(0.85)
    canvas.setLineWidth(2.2)
    canvas.circle(cx, cy, radius)
    canvas.setLineWidth(0.6)
    canvas.circle(cx, cy, radius - 2 * mm)
    size = 10.5
    canvas.setFont(FONT_NAME, size)
    sweep = min(230.0, 26.0 * len(body))
    step = sweep / max(len(body) - 1, 1)
    text_radius = radius - 2 * mm - size * 0.95
    for i, char in enumerate(body):
        angle = 90 + sweep / 2 - i * step
        rad = math.radians(angle)
        canvas.saveState()
        canvas.translate(cx + text_radius * math.cos(rad), cy + text_radius * math.sin(rad))
        canvas.rotate(angle - 90)
        canvas.drawCentredString(0, 0, char)
        canvas.restoreState()
    _draw_star(canvas, cx, cy - 1.5 * mm, 5.5 * mm)
    canvas.restoreState()
    return placement


def _draw_star(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    path = canvas.beginPath()
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = math.radians(90 + i * 36)
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        path.moveTo(x, y) if i == 0 else path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
