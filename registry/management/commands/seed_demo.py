import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from registry.demo import DEMO_PASSWORD, demo_seed
from registry.signals import demo_seeded


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
        # The demo's notifications go to fictional addresses: keep them in memory (and in the notification
        # log, Admin → 通知记录) instead of printing dozens of e-mails and task lines over the credentials.
        quiet = logging.getLogger("celery.app.trace")
        level = quiet.level
        quiet.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                summary = demo_seed()
                # The demo steps of apps above registry (training), each on the registry's demo data.
                steps = [line for _receiver, line in demo_seeded.send(sender=demo_seed)]
        finally:
            quiet.setLevel(level)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {summary.employers} employers, {summary.people} people.")
        )
        states = ", ".join(f"{state} {n}" for state, n in sorted(summary.applications.items()))
        self.stdout.write(f"Applications by state: {states}")
        for line in steps:
            self.stdout.write(line)
        self.stdout.write("The demo's notifications were logged (Admin → 通知记录), not sent.")
        # SITE_URL: `make run` sets it to the address it serves on (HOST, PORT), so this is the real one.
        self.stdout.write(f"Log in at {settings.SITE_URL}/ with password {DEMO_PASSWORD} as:")
        for username, role in summary.users:
            self.stdout.write(f"  {username:<10} {role}")
