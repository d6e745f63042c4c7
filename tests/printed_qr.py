"""The QR code printed on a certificate PDF, read back module by module (registry/pdf/certificate.py)."""

import subprocess
from pathlib import Path

import segno
from PIL import Image

from registry.pdf.certificate import PAGE_HEIGHT, QR_BORDER_MODULES, QR_MASK, QR_SIZE, QR_X, QR_Y


def expected_qr_matrix(text: str) -> list[list[bool]]:
    """The expected modules, from segno called as the certificate's renderer documents it (M, mask fixed)."""
    symbol = segno.make(text, error="m", boost_error=False, micro=False, mask=QR_MASK)
    return [[bool(cell) for cell in row] for row in symbol.matrix]


def printed_qr_mismatches(pdf: bytes, tmp_path: Path, text: str) -> tuple[int, int]:
    """Render the page at 300 dpi (poppler) and sample it at the centre of each module of `text`'s QR matrix:
    (modules per side, modules that differ)."""
    (tmp_path / "c.pdf").write_bytes(pdf)
    dpi = 300
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(tmp_path / "c.pdf"),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    image = Image.open(tmp_path / "page.png").convert("L")
    expected = expected_qr_matrix(text)
    count = len(expected)
    module = QR_SIZE / (count + 2 * QR_BORDER_MODULES)
    scale = dpi / 72
    mismatches = 0
    for r in range(count):
        for c in range(count):
            x = QR_X + (QR_BORDER_MODULES + c + 0.5) * module
            y_from_top = PAGE_HEIGHT - (QR_Y + QR_SIZE - (QR_BORDER_MODULES + r + 0.5) * module)
            dark = image.getpixel((round(x * scale), round(y_from_top * scale))) < 128
            mismatches += dark != expected[r][c]
    return count, mismatches
