"""Tasks that exist only for the tests: loaded by the test workers (`--include tests.celery_tasks`),
never by the application, so nothing outside the test suite can send them."""

import os
from pathlib import Path

from celery import shared_task

from registry.services.certificate_pdfs import certificate_pdf_generate


@shared_task(name="tests.crash_once_then_generate_pdf")
def crash_once_then_generate_pdf(certificate_id: int, marker: str) -> str:
    """The first delivery finds the marker file, removes it and kills the worker process outright
    (os._exit: no cleanup, no ack, as if the machine lost power). A redelivery generates the PDF."""
    path = Path(marker)
    if path.exists():
        path.unlink()
        os._exit(13)
    return certificate_pdf_generate(certificate_id=certificate_id).pdf.name
