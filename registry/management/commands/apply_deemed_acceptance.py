from django.core.management.base import BaseCommand

from registry.services.applications import applications_deem_accepted_overdue


class Command(BaseCommand):
    help = (
        "Deem accepted every submitted application whose acceptance deadline has passed (the system's act)."
    )

    def handle(self, *args, **options) -> None:
        done = applications_deem_accepted_overdue()
        self.stdout.write(f"deemed accepted: {len(done)}")
