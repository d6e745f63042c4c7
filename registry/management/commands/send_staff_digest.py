from django.core.management.base import BaseCommand

from registry.services.reminders import reminders_send_staff_digest


class Command(BaseCommand):
    help = "E-mail association staff today's digest of applications due, due soon and overdue (once a day)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"digests sent: {reminders_send_staff_digest()}")
