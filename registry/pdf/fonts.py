"""The CJK font every certificate embeds: WenQuanYi Micro Hei, shipped in registry/pdf/fonts/.

Why this font and why in the repository: docs/decisions/0003-certificate-font.md. reportlab embeds a subset
of a TrueType font (only the glyphs used), so a PDF is small and reads on a machine with no Chinese fonts.
"""

from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"


class MissingGlyphsError(ValueError):
    """The text holds characters the embedded font cannot draw.

    Raised rather than printing an empty box in a holder's name on a legal document: the issuing staff must
    be told (and print that certificate by hand) instead.
    """

    def __init__(self, characters: str) -> None:
        self.characters = characters
        codes = ", ".join(f"{c} U+{ord(c):04X}" for c in characters)
        super().__init__(f"the certificate font has no glyph for: {codes}")


@lru_cache(maxsize=1)
def register_font() -> TTFont:
    """Register the font with reportlab once per process (parsing the 5 MB collection takes ~0.1 s)."""
    font = TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0)
    pdfmetrics.registerFont(font)
    return font


def missing_characters(text: str) -> str:
    """The characters of `text` the font cannot draw, each once, in order (whitespace is never missing)."""
    glyphs = register_font().face.charToGlyph
    seen: dict[str, None] = {}
    for char in text:
        if not char.isspace() and ord(char) not in glyphs:
            seen.setdefault(char)
    return "".join(seen)
