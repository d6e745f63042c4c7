"""`python manage.py generate_bench_data --applications N [--participations P] [--seed S] [--on YYYY-MM-DD]
[--replace] [--ledger-only]`.

The code that writes lives in bench/ (bench.generate, bench.ledger), a tool package outside the apps'
layers like tests/: it may read and write every app's models, including training's above registry. This
command only parses options and calls it.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Generate N synthetic applications with their employers, people, batches, certificates and "
        "audit rows, and optionally P continuing-education participation rows over the generated holders "
        "(bulk writes, reproducible from --seed). For benchmarks: see docs/performance.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=0)
        parser.add_argument(
            "--participations",
            type=int,
            default=0,
            help="continuing-education participation rows in the year of --on (1000000 at national scale)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="anchor day (today)")
        parser.add_argument("--chunk", type=int, default=10_000, help="applications per transaction")
        parser.add_argument(
            "--jobs",
            type=int,
            default=0,
            help="processes writing chunks at once (PostgreSQL; default: one per CPU core, 1 on SQLite)",
        )
        parser.add_argument("--replace", action="store_true", help="remove earlier generated data first")
        parser.add_argument(
            "--ledger-only",
            action="store_true",
            help="keep the generated applications; (re)make only the ledger over their holders",
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, **options):
        from bench.generate import default_jobs, generate, remove_generated
        from bench.ledger import generate_ledger, remove_ledger

        bench_settings = settings.SETTINGS_MODULE == "config.settings.bench"
        if not (settings.DEBUG or bench_settings or options["force"]):
            raise CommandError("This fills the database with fictional data; with DEBUG off, pass --force.")
        if options["ledger_only"]:
            if not options["participations"]:
                raise CommandError("--ledger-only needs --participations.")
            remove_ledger()
        elif options["applications"] <= 0:
            raise CommandError("Give --applications N (or --ledger-only with --participations P).")
        elif options["replace"]:
            remove_generated()

        try:
            if not options["ledger_only"]:
                done = generate(
                    applications=options["applications"],
                    seed=options["seed"],
                    on=options["on"],
                    chunk=options["chunk"],
                    jobs=options["jobs"] or default_jobs(),
                    progress=lambda d: self.stdout.write(
                        f"  {d.applications:,} applications, {d.seconds:.1f} s"
                    ),
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{done.applications:,} applications, {done.rows:,} rows in {done.seconds:.1f} s "
                        f"({done.rows / done.seconds:,.0f} rows/s)"
                    )
                )
            if options["participations"]:
                ledger = generate_ledger(
                    participations=options["participations"],
                    seed=options["seed"],
                    on=options["on"],
                    progress=lambda d: self.stdout.write(
                        f"  {d.participations:,} participations, {d.seconds:.1f} s"
                    ),
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{ledger.participations:,} participations in {ledger.activities:,} activities over "
                        f"{ledger.holders:,} holders in {ledger.seconds:.1f} s"
                    )
                )
        except RuntimeError as e:
            raise CommandError(str(e)) from e
