from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.demo import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Create a believable demo registry (fictional data); safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (it creates accounts with a known password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with DEBUG on."
            )
        summary = demo_seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {summary.employers} employers, {summary.people} people.")
        )
        states = ", ".join(f"{state} {n}" for state, n in sorted(summary.applications.items()))
        self.stdout.write(f"Applications by state: {states}")
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD} as:")
        for username, role in summary.users:
            self.stdout.write(f"  {username:<10} {role}")
