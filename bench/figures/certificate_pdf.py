"""Figure 5: certificate PDFs per second on one core, and bytes per PDF, beside a bare reportlab page.

Ours is registry.pdf.render_certificate_pdf on the sample certificate with its photo (the same call the
issuing task makes): double frame, table, photo, seal, QR code, and a subset of the CJK font embedded.
The baseline draws the same text, line by line, on a bare A4 page with the same font (so it embeds a
subset too; no other font could draw the Chinese): no photo, no table, no seal, no QR code.

5c counts signed certificates: the same rendering, then registry.signing.sign_pdf (PAdES B-B, ECDSA
P-256, the e-licence XMP, the visible field over the seal) with the development key loaded once, as a
worker does; beside it the unsigned rendering of 5a.

One process renders one PDF at a time and the time taken is the process's CPU time, so the rate is PDFs per
second of one core even on a machine busy with other work; rendering is pure CPU (no database, no I/O), so
N cores render N times as many. Wall-clock medians are kept in the details.
"""

import io
import time

from bench.harness import Figure

SECONDS = 3.0  # each side renders for about this long


def _baseline_pdf(doc) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from registry.pdf.certificate import TITLE, format_date
    from registry.pdf.fonts import FONT_NAME, register_font

    register_font()
    lines = [
        TITLE,
        f"证书编号：{doc.number}",
        f"姓名：{doc.holder_name}",
        f"身份证号：{doc.id_number}",
        f"级别：{'一级' if doc.level == 1 else '二级'}",
        f"单位：{doc.employer_name}",
        f"有效期：{format_date(doc.valid_from)}至{format_date(doc.valid_until)}",
        *[f"{p.code} {p.name}" for p in doc.projects],
        f"发证机关：{doc.issuing_body}",
        f"发证日期：{format_date(doc.issued_on)}",
        doc.verification_url,
    ]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=True, initialFontName=FONT_NAME)
    canvas.setFont(FONT_NAME, 12)
    y = A4[1] - 80
    for line in lines:
        canvas.drawString(72, y, line)
        y -= 20
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _rate(render, *, seconds: float) -> tuple[float, int, list[float]]:
    """Renders back to back for about `seconds` of CPU: (PDFs per CPU second, bytes of the last PDF, each
    run's wall-clock seconds)."""
    render()  # warm: font parsed, translations loaded
    runs: list[float] = []
    size = 0
    cpu_started = time.process_time()
    while time.process_time() - cpu_started < seconds or len(runs) < 5:
        t = time.perf_counter()
        size = len(render())
        runs.append(time.perf_counter() - t)
    return len(runs) / (time.process_time() - cpu_started), size, runs


def run(*, seconds: float = SECONDS) -> list[Figure]:
    import statistics

    from registry.elicence import elicence_metadata
    from registry.pdf import render_certificate_pdf
    from registry.pdf.certificate import SEAL_PLACEMENT, TITLE
    from registry.pdf.sample import sample_document
    from registry.services.certificate_pdfs import certificate_document_signed
    from registry.signing import PdfMetadata, sign_pdf

    # As issued: the QR code carries the verification URL with its signed payload (a version-13 symbol).
    doc = certificate_document_signed(
        sample_document(
            with_photo=True, verification_url="https://registry.example.cn/verify/Yq3kX9v2Lm0pRt7sWc1eZa5b/"
        )
    )
    ours_rate, ours_bytes, ours_runs = _rate(lambda: render_certificate_pdf(doc), seconds=seconds)
    base_rate, base_bytes, base_runs = _rate(lambda: _baseline_pdf(doc), seconds=seconds)
    metadata = PdfMetadata(
        title=f"{TITLE} {doc.number}",
        elicence=elicence_metadata(
            number=doc.number,
            holder_name=doc.holder_name,
            holder_id_number_masked=doc.id_number,
            level=doc.level,
            projects=tuple(f"{p.code} {p.name}" for p in doc.projects),
            issued_on=doc.issued_on,
            valid_from=doc.valid_from,
            valid_until=doc.valid_until,
        ),
    )
    signed_rate, signed_bytes, signed_runs = _rate(
        lambda: sign_pdf(render_certificate_pdf(doc), seal=SEAL_PLACEMENT, metadata=metadata), seconds=seconds
    )
    details = {
        "rendered_ours": len(ours_runs),
        "rendered_baseline": len(base_runs),
        "median_ms_ours": statistics.median(ours_runs) * 1000,
        "median_ms_baseline": statistics.median(base_runs) * 1000,
        "bytes_ours": ours_bytes,
        "bytes_baseline": base_bytes,
        "photo_bytes_in": len(doc.photo or b""),
        "signed": len(signed_runs),
        "median_ms_signed": statistics.median(signed_runs) * 1000,
        "bytes_signed": signed_bytes,
    }
    return [
        Figure(
            key="certificate_pdf_rate",
            title="5a. certificate PDFs per core",
            unit="PDF/s",
            ours=ours_rate,
            baseline=base_rate,
            target="≥ 20 PDF/s per core",
            met=ours_rate >= 20,
            higher_is_better=True,
            details=details,
        ),
        Figure(
            key="certificate_pdf_size",
            title="5b. bytes per certificate PDF",
            unit="KB",
            ours=ours_bytes / 1024,
            baseline=base_bytes / 1024,
            target="≤ 200 KB",
            met=ours_bytes <= 200 * 1024,
            details=details,
        ),
        Figure(
            key="certificate_pdf_signed_rate",
            title="5c. signed certificate PDFs per core (rendered + signed)",
            unit="PDF/s",
            ours=signed_rate,
            baseline=ours_rate,
            target="≥ 20 signed PDF/s per core",
            met=signed_rate >= 20,
            higher_is_better=True,
            details=details,
        ),
    ]
