"""Run the benchmark figures: `python -m bench [--only KEY ...]` (what `make bench` calls).

Prints a table (figure, ours, baseline, ratio, target, met) and writes bench/results/latest.json.

A figure that cannot run is reported, not fatal: a module may define `missing() -> str | None` (what it
needs and does not find, e.g. wrk), checked before it runs; a figure that fails while running is
reported with its error. Either way the table says "skipped" with the reason, the JSON keeps it, the other
figures still run, print and save, and the exit status is 1 so a script notices.
"""

import argparse
import importlib
import inspect
import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.harness import Figure

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
    skipped = 0
    for key in args.only or FIGURES:
        started = time.perf_counter()
        print(f"… {key}", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.figures.{key}")
        missing = getattr(module, "missing", lambda: None)()
        if missing:
            figures.append(skipped_figure(key, module, missing))
            skipped += 1
            print(f"  skipped: {missing}", file=sys.stderr, flush=True)
            continue
        accepted = inspect.signature(module.run).parameters
        try:
            result = module.run(**{k: v for k, v in options.items() if v is not None and k in accepted})
        except Exception as error:  # one figure's failure must not lose the others
            traceback.print_exc(file=sys.stderr)
            figures.append(skipped_figure(key, module, f"failed: {type(error).__name__}: {error}"))
            skipped += 1
            continue
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
    if skipped:
        print(f"{skipped} figure(s) skipped: see the reasons above", file=sys.stderr)
    return 1 if skipped else 0


def skipped_figure(key: str, module: object, reason: str) -> "Figure":
    """A row for a figure that did not run: its title is the first line of its module's docstring."""
    from bench.harness import Figure

    title = ((module.__doc__ or key).strip().splitlines() or [key])[0].rstrip(".")
    return Figure(
        key=key,
        title=title,
        unit="",
        ours=None,
        baseline=None,
        target=f"skipped: {reason}",
        met=None,
        details={"skipped": reason},
    )


if __name__ == "__main__":
    raise SystemExit(main())
