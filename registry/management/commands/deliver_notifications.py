from django.core.management.base import BaseCommand

from registry.services.notifications import notifications_deliver_due


class Command(BaseCommand):
    help = (
        "Deliver every notification in the outbox that is due (never sent, or failed and due for another "
        "try), here and now; with --enqueue, hand them to the Celery workers instead (what the sweep "
        "run by beat every minute does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Enqueue tasks instead of delivering.")

    def handle(self, *args, **options) -> None:
        if options["enqueue"]:
            self.stdout.write(f"enqueued: {notifications_deliver_due()}")
        else:
            self.stdout.write(f"delivered or retried later: {notifications_deliver_due(in_process=True)}")
