"""Run the benchmark figures: `python -m bench [--only KEY ...]` (what `make bench` calls).

Prints a table (figure, ours, baseline, ratio, target, met) and writes bench/results/latest.json.
"""

import argparse
import importlib
import inspect
import os
import sys
import time
from pathlib import Path

# Module names under bench/figures, in the order (the order of docs/performance.md).
FIGURES = [
    "generate_data",
    "review_queue",
    "batch_upload",
    "score_import",
    "certificate_pdf",
    "verification_load",
    "workdays",
    "compliance_list",
    "yearly_report",
    "sync_feed",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", nargs="*", choices=FIGURES, help="run only these figures")
    parser.add_argument(
        "--applications",
        type=int,
        default=None,
        help="generated applications for figures 1 and 2 (default 100,000; 1000000 on PostgreSQL)",
    )
    parser.add_argument(
        "--participations",
        type=int,
        default=None,
        help="generated participation rows for figure 8 (default min(1,000,000, 10 × applications))",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the generated data (default 1)")
    parser.add_argument(
        "--port", type=int, default=None, help="loopback port for the load figure's server (8091–8099)"
    )
    args = parser.parse_args(argv)
    # Options a figure's run() accepts by name; a figure that does not take one is not given it.
    options = {
        "port": args.port,
        "applications": args.applications,
        "participations": args.participations,
        "seed": args.seed,
    }

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)  # var/ on a fresh checkout
    from django.core.management import call_command

    from bench.harness import print_table, write_json

    call_command("migrate", verbosity=0)
    figures = []
    for key in args.only or FIGURES:
        started = time.perf_counter()
        print(f"… {key}", file=sys.stderr, flush=True)
        run = importlib.import_module(f"bench.figures.{key}").run
        accepted = inspect.signature(run).parameters
        result = run(**{k: v for k, v in options.items() if v is not None and k in accepted})
        figures.extend(result if isinstance(result, list) else [result])
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print()
    print_table(figures)
    # One file per database, so a PostgreSQL run does not overwrite the embedded default's figures.
    from django.db import connection

    from bench.harness import RESULTS

    suffix = "" if connection.vendor == "sqlite" else f"-{connection.vendor}"
    path = write_json(figures, path=RESULTS / f"latest{suffix}.json")
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
