"""What every benchmark figure shares: timing, query counting, the table and the JSON file.

A figure is never a pass/fail test: it is a number beside its baseline, measured in the same run on the
same data, with the ratio between them and the target it is read against.
"""

import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Measurement:
    """One side of a figure: timings in seconds and the queries of one run."""

    runs: list[float]
    queries: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def p95(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Figure:
    key: str
    title: str
    unit: str  # what `ours` and `baseline` are in: "s", "ms", "req/s", "PDF/s", "KB"
    ours: float | None  # None: the thing measured is not in this build yet (met is then None)
    baseline: float | None
    target: str
    met: bool | None
    higher_is_better: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times better ours is than the baseline (>1 is better), whatever the unit's direction."""
        if not self.baseline or not self.ours:
            return None
        return self.ours / self.baseline if self.higher_is_better else self.baseline / self.ours


class QueryCount:
    """Counts the statements sent to the database, with no cap (Django's query log keeps only 9,000).

    `inserts` counts INSERT statements separately: a bulk insert is one statement on PostgreSQL but is
    split by Django into chunks of 999 parameters on SQLite, so it is the one count that grows with rows.
    """

    def __init__(self) -> None:
        self.total = 0
        self.inserts = 0

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        if sql.lstrip()[:6].upper() == "INSERT":
            self.inserts += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> "QueryCount":
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)


def measure(
    fn: Callable[[], Any],
    *,
    repeat: int = 5,
    warmup: int = 1,
    count_queries: bool = True,
    setup: Callable[[], Any] | None = None,
) -> Measurement:
    """Run `fn` warmup + repeat times; time each run and count the queries of the last one.

    `setup`, when given, runs untimed before every run (e.g. deleting what the previous import saved,
    so that each run does the same work).
    """
    for _ in range(warmup):
        if setup is not None:
            setup()
        fn()
    runs: list[float] = []
    queries = None
    for i in range(repeat):
        if setup is not None:
            setup()
        if count_queries and i == repeat - 1:
            with QueryCount() as counted:
                start = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - start)
            queries = counted.total
        else:
            start = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - start)
    return Measurement(runs=runs, queries=queries)


def machine() -> dict[str, Any]:
    import os

    try:
        meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0]
    except OSError:
        meminfo = ""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = ""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": meminfo.replace("MemTotal:", "").strip(),
        "database": connection.vendor,
        "load_average_at_end": load,  # other work on the machine while the figures ran
    }


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in {"s"}:
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:,.1f} {unit}"


def print_table(figures: list[Figure]) -> str:
    header = ("figure", "ours", "baseline", "ratio", "target", "met")
    rows = [header]
    for f in figures:
        ratio = f"{f.ratio:.1f}x" if f.ratio is not None else "—"
        met = {True: "yes", False: "NO", None: "—"}[f.met]
        rows.append((f.title, _fmt(f.ours, f.unit), _fmt(f.baseline, f.unit), ratio, f.target, met))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    text = "\n".join(lines)
    print(text)
    return text


def write_json(figures: list[Figure], *, path: Path | None = None) -> Path:
    path = path or RESULTS / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "figures": [{**asdict(f), "ratio": f.ratio} for f in figures],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    return path


def import_figure(
    *,
    key: str,
    title: str,
    rows: int,
    mine: Measurement,
    base: Measurement,
    full: QueryCount,
    small: QueryCount,
    extra: dict[str, Any] | None = None,
) -> Figure:
    """A spreadsheet import read against the issue's target: ≤ 5 s, constant queries, ≥ 10x the baseline.

    `full` and `small` count the statements of the same import at all rows and at a tenth of them; apart
    from the chunks SQLite splits one bulk INSERT into, they must be equal.
    """
    constant = full.total - full.inserts == small.total - small.inserts
    return Figure(
        key=key,
        title=title,
        unit="s",
        ours=mine.median,
        baseline=base.median,
        target="≤ 5 s, constant queries, ≥ 10x baseline",
        met=mine.median <= 5.0 and constant and base.median / mine.median >= 10,
        details={
            "rows": rows,
            "queries_ours": full.total,
            "queries_ours_inserts": full.inserts,
            "queries_ours_at_tenth_of_rows": small.total,
            "queries_ours_inserts_at_tenth_of_rows": small.inserts,
            "queries_baseline": base.queries,
            **(extra or {}),
            "runs_ours_s": mine.runs,
            "runs_baseline_s": base.runs,
        },
    )
