"""Figure 1: generating N applications with everything around them, beside saving the same rows one by one.

Ours is bench.generate.generate() (what `manage.py generate_bench_data` runs): chunks of one transaction
each, written with COPY by one process per core on PostgreSQL, with bulk_create on SQLite. The baseline
writes the same kind of rows with one `.save()` each in autocommit, for a sample of BASELINE_APPLICATIONS
applications; its time for N is extrapolated from its rows per second (marked so in the details), since
saving a million applications one by one would take hours. The generated data stays in the database for
figure 2.
"""

from bench.harness import Figure

BASELINE_APPLICATIONS = 1_000


def run(*, applications: int = 100_000, seed: int = 1) -> Figure:
    from django.db import connection

    from bench.generate import default_jobs, generate, remove_generated

    remove_generated()
    base = generate(applications=BASELINE_APPLICATIONS, seed=seed, one_by_one=True)
    remove_generated()
    ours = generate(applications=applications, seed=seed, jobs=default_jobs())
    base_rate = base.rows / base.seconds
    return Figure(
        key="generate_data",
        title=f"1. generate {applications:,} applications ({connection.vendor})",
        unit="s",
        ours=ours.seconds,
        baseline=ours.rows / base_rate,
        target="1,000,000 in ≤ 10 min (extrapolated)",
        met=ours.seconds * 1_000_000 / applications <= 600,
        details={
            "rows": ours.rows,
            "rows_per_s": ours.rows / ours.seconds,
            "baseline_rows_per_s": base_rate,
            "baseline_is_extrapolated_from_applications": BASELINE_APPLICATIONS,
            "by_state": ours.by_state,
            "employers": ours.employers,
            "certificates": ours.certificates,
            "audit_entries": ours.audit_entries,
        },
    )
