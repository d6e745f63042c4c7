"""`python manage.py generate_bench_data --applications N [--seed S] [--on YYYY-MM-DD] [--replace]`."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Generate N synthetic applications with their employers, people, batches, certificates and "
        "audit rows (bulk writes, reproducible from --seed). For benchmarks: see docs/performance.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="anchor day (today)")
        parser.add_argument("--chunk", type=int, default=10_000, help="applications per transaction")
        parser.add_argument("--replace", action="store_true", help="remove earlier generated data first")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, **options):
        from bench.generate import generate, remove_generated

        bench_settings = settings.SETTINGS_MODULE == "config.settings.bench"
        if not (settings.DEBUG or bench_settings or options["force"]):
            raise CommandError("This fills the database with fictional data; with DEBUG off, pass --force.")
        if options["replace"]:
            remove_generated()

        def progress(done):
            self.stdout.write(f"  {done.applications:,} applications, {done.seconds:.1f} s")

        try:
            done = generate(
                applications=options["applications"],
                seed=options["seed"],
                on=options["on"],
                chunk=options["chunk"],
                progress=progress,
            )
        except RuntimeError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            self.style.SUCCESS(
                f"{done.applications:,} applications, {done.rows:,} rows in {done.seconds:.1f} s "
                f"({done.rows / done.seconds:,.0f} rows/s)"
            )
        )
