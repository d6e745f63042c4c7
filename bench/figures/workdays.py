"""Figure 7: 100,000 add_working_days calls, beside the chinese_calendar package's own day-by-day check."""

import datetime as dt
import random

from bench.harness import Figure, measure

CALLS = 100_000


def _starts(n: int) -> list[dt.date]:
    rng = random.Random(7)  # noqa: S311 - reproducible dates, not secrets
    first = dt.date(2024, 1, 1)
    return [first + dt.timedelta(days=rng.randrange(0, 3 * 365 - 20)) for _ in range(n)]


def run(*, calls: int = CALLS) -> Figure:
    import chinese_calendar

    from workdays.working_days import add_working_days

    starts = _starts(calls)
    steps = [5, 10, 5] * (calls // 3 + 1)

    def ours():
        for start, n in zip(starts, steps, strict=False):
            add_working_days(start, n)

    def baseline():
        # The plain way: walk day by day asking the package whether each day is a working day.
        for start, n in zip(starts, steps, strict=False):
            day = start
            while n:
                day += dt.timedelta(days=1)
                if chinese_calendar.is_workday(day):
                    n -= 1

    add_working_days(dt.date(2025, 1, 1), 1)  # load the calendar once, as a running process has
    mine = measure(ours, repeat=3)
    base = measure(baseline, repeat=1, warmup=0, count_queries=False)
    # Same answers, or the comparison means nothing.
    sample = starts[:200]
    for start in sample:
        day, n = start, 5
        while n:
            day += dt.timedelta(days=1)
            n -= chinese_calendar.is_workday(day)
        assert add_working_days(start, 5) == day, start
    return Figure(
        key="workdays",
        title=f"7. add_working_days × {calls:,}",
        unit="s",
        ours=mine.median,
        baseline=base.median,
        target="< 1 s",
        met=mine.median < 1.0,
        details={"queries_warm": mine.queries, "p95_s": mine.p95},
    )
