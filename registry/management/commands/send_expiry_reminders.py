from django.core.management.base import BaseCommand

from registry.services.reminders import reminders_send_certificate_expiry


class Command(BaseCommand):
    help = "Remind holders and employers of certificates expiring within 90 and 30 days (each once)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"reminders sent: {reminders_send_certificate_expiry()}")
