import datetime as dt

from django.core.management.base import BaseCommand

from training.reminders import reminders_send_shortfall


class Command(BaseCommand):
    help = (
        "Tell each employer which of its holders are short of continuing education for the year "
        "(due on 1 October and 1 December; once per employer and date)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Run as on this day (YYYY-MM-DD).")

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"employers reminded: {reminders_send_shortfall(today=options['date'])}")
