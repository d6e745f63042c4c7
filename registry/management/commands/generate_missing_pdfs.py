from django.core.management.base import BaseCommand

from registry.services.certificate_pdfs import certificates_pdf_ensure, certificates_pdf_sweep
from registry.services.decision_documents import decision_documents_ensure, decision_documents_sweep


class Command(BaseCommand):
    help = (
        "Generate every certificate PDF that is missing or stale (prints an old state), and every written "
        "decision not generated yet, here and now; "
        "with --enqueue, hand them to the Celery workers instead (what the periodic sweep does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Enqueue tasks instead of generating.")

    def handle(self, *args, **options) -> None:
        if options["enqueue"]:
            self.stdout.write(f"enqueued: {certificates_pdf_sweep()}")
            self.stdout.write(f"written decisions enqueued: {decision_documents_sweep()}")
        else:
            self.stdout.write(f"generated: {certificates_pdf_ensure()}")
            self.stdout.write(f"written decisions generated: {decision_documents_ensure()}")
