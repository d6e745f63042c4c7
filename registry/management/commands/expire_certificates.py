from django.core.management.base import BaseCommand

from registry.services.certificates import certificates_expire


class Command(BaseCommand):
    help = "Mark expired every valid registration certificate whose last valid day has passed."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"expired: {certificates_expire()}")
