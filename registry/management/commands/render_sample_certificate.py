"""`manage.py render_sample_certificate OUT.pdf [--state revoked] [--no-photo]`: a fictional certificate."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from registry.pdf import PrintedState, render_certificate_pdf
from registry.pdf.sample import sample_document


class Command(BaseCommand):
    help = "Render a certificate PDF with fictional data (demo, layout review, benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="where to write the PDF")
        parser.add_argument("--state", choices=[s.value for s in PrintedState], default=PrintedState.VALID)
        parser.add_argument("--no-photo", action="store_true", help="print the empty photo box instead")

    def handle(self, *args: object, out: Path, state: str, no_photo: bool, **options: object) -> None:
        doc = sample_document(state=PrintedState(state), with_photo=not no_photo)
        started = time.perf_counter()
        pdf = render_certificate_pdf(doc)
        elapsed = time.perf_counter() - started
        out.write_bytes(pdf)
        self.stdout.write(f"{out}: {len(pdf) / 1024:.0f} KB in {elapsed * 1000:.0f} ms")
