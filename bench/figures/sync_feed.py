"""Figure 10: a partner's sync of N registrations through the change feed (issue 20), beside OFFSET paging.

Ours is `registry.selectors.registration_changes_after(after=cursor, limit=1000)`, what
`GET /api/v1/registrations/changes` calls: keyset paging on the feed's primary key. It is timed over PAGES
consecutive pages from the first cursor and over the PAGES last pages (deep cursors), as pages per second
and rows per second, with the queries of one page at each depth (they must be equal).

The baseline pages the same rows, built by the same row function, with Django's `Paginator` (OFFSET/LIMIT
plus its COUNT), over the same first and last pages: what a first version of the endpoint would do.

Data: the feed needs N certificates with changes. Generating N applications with bench.generate takes
16 minutes at 1,000,000 on PostgreSQL, so this figure generates a small seed (SEED_APPLICATIONS) through
bench.generate and then multiplies one of its certificates set-based (INSERT … SELECT over a recursive
series: applications, certificates numbered HLJ-ZC<level>-2099-<n>, their project, their `issued` change)
under the generated employer, so `remove_generated` removes them. Holders cycle through the generated
people. Kept between runs when the feed already holds N changes.
"""

# ruff: noqa: S608 (the SQL is built from model metadata and integers, never from input)
from __future__ import annotations

import time
from pathlib import Path

from bench.harness import Figure, QueryCount

LIMIT = 1000
PAGES = 10
SEED_APPLICATIONS = 2_000
TARGET_PAGES_PER_S = 5.0


def _series(n: int) -> str:
    return f"WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {int(n)}) "


def _ensure_feed(certificates: int) -> None:
    """At least `certificates` generated certificates, each with its `issued` change, in the feed."""
    from django.db import connection, transaction

    from bench.generate import GENERATED_USCC_PREFIX, generate, generated_applications
    from registry.models import (
        Application,
        CertificateChange,
        CertificateChangeCounter,
        RegistrationCertificate,
    )

    if CertificateChange.objects.count() >= certificates:
        return
    if not generated_applications():
        generate(applications=SEED_APPLICATIONS, seed=1)
    template = (
        RegistrationCertificate.objects.filter(employer__uscc__startswith=GENERATED_USCC_PREFIX)
        .order_by("pk")
        .first()
    )
    if template is None:
        raise RuntimeError("the seed data holds no certificate to multiply")
    app_table = Application._meta.db_table
    cert_table = RegistrationCertificate._meta.db_table
    through = RegistrationCertificate.projects.through._meta.db_table
    feed_table = CertificateChange._meta.db_table
    app_columns = [f.column for f in Application._meta.concrete_fields if f.column != "id"]
    cert_columns = [f.column for f in RegistrationCertificate._meta.concrete_fields if f.column != "id"]
    replaced = {
        "number": "'HLJ-ZC' || c.level || '-2099-' || ({offset} + a.n)",
        "year": "2099",
        "sequence": "{offset} + a.n",
        "verification_token": "'bench2099' || ({offset} + a.n)",
        "application_id": "a.id",
        "person_id": "p.id",
        "pdf": "''",
    }
    project_id = template.projects.values_list("pk", flat=True).first()
    with transaction.atomic(), connection.cursor() as cursor:
        # bench.generate writes certificates without their feed rows: give the seed's theirs first.
        cursor.execute(f"SELECT COALESCE(MAX(sequence), 0) FROM {feed_table}")
        last = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {feed_table} (sequence, certificate_id, kind, at) "
            f"SELECT %s + ROW_NUMBER() OVER (ORDER BY id), id, 'issued', created_at FROM {cert_table} c "
            f"WHERE NOT EXISTS (SELECT 1 FROM {feed_table} f WHERE f.certificate_id = c.id)",
            [last],
        )
        cursor.execute(f"SELECT COALESCE(MAX(sequence), 0) FROM {feed_table}")
        CertificateChangeCounter.objects.update_or_create(pk=1, defaults={"last": cursor.fetchone()[0]})
        missing = certificates - CertificateChange.objects.count()
        if missing <= 0:
            return
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {app_table}")
        top_app = cursor.fetchone()[0]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {cert_table}")
        top_cert = cursor.fetchone()[0]
        cursor.execute(f"SELECT COALESCE(MAX(sequence), 0) FROM {cert_table} WHERE year = 2099")
        offset = cursor.fetchone()[0]
        columns = ", ".join(app_columns)
        cursor.execute(
            f"INSERT INTO {app_table} ({columns}) {_series(missing)}"
            f"SELECT {', '.join('t.' + c for c in app_columns)} FROM {app_table} t CROSS JOIN g "
            f"WHERE t.id = %s",
            [template.application_id],
        )
        cursor.execute("SELECT COUNT(*) FROM registry_person")
        people = cursor.fetchone()[0]
        select = ", ".join(replaced.get(c, f"c.{c}").format(offset=offset) for c in cert_columns)
        cursor.execute(
            f"INSERT INTO {cert_table} ({', '.join(cert_columns)}) "
            f"SELECT {select} FROM "
            f"(SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {app_table} WHERE id > %s) a "
            f"JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM registry_person) p "
            f"ON p.k = a.n %% %s "
            f"CROSS JOIN {cert_table} c WHERE c.id = %s",
            [top_app, people, template.pk],
        )
        if project_id is not None:
            cursor.execute(
                f"INSERT INTO {through} (registrationcertificate_id, metrologyproject_id) "
                f"SELECT id, %s FROM {cert_table} WHERE id > %s",
                [project_id, top_cert],
            )
        cursor.execute(f"SELECT COALESCE(MAX(sequence), 0) FROM {feed_table}")
        last = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {feed_table} (sequence, certificate_id, kind, at) "
            f"SELECT %s + ROW_NUMBER() OVER (ORDER BY id), id, 'issued', created_at FROM {cert_table} "
            f"WHERE id > %s",
            [last, top_cert],
        )
        cursor.execute(f"SELECT MAX(sequence) FROM {feed_table}")
        CertificateChangeCounter.objects.update_or_create(pk=1, defaults={"last": cursor.fetchone()[0]})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {feed_table}")
            cursor.execute(f"ANALYZE {cert_table}")


def _pages(fetch, cursors: list[int]) -> tuple[float, int, int]:
    """Fetch a page at each cursor: (seconds, rows, queries of the last page)."""
    rows = 0
    start = time.perf_counter()
    for cursor in cursors[:-1]:
        rows += len(fetch(cursor))
    with QueryCount() as counted:
        rows += len(fetch(cursors[-1]))
    return time.perf_counter() - start, rows, counted.total


def run(*, applications: int = 100_000) -> Figure:
    """`applications` (as for figures 1–2: 1,000,000 on PostgreSQL) is the number of registrations synced."""
    from django.core.paginator import Paginator
    from django.db import connection

    from registry.models import CertificateChange
    from registry.selectors import registration_change_rows, registration_changes, registration_changes_after

    load_before = Path("/proc/loadavg").read_text().split()[:3]
    started = time.perf_counter()
    _ensure_feed(applications)
    setup_s = time.perf_counter() - started
    total = CertificateChange.objects.count()
    top = CertificateChange.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    pages_total = -(-total // LIMIT)

    def keyset(cursor: int) -> list[dict]:
        return registration_changes_after(after=cursor, limit=LIMIT)

    paginator = Paginator(registration_changes(), LIMIT)

    def offset(page: int) -> list[dict]:
        return registration_change_rows(Paginator(registration_changes(), LIMIT).page(page))

    keyset(0)  # warm-up: connection, caches
    # Keyset cursors: the sequence before each page (the feed is dense here, so page p starts after p·LIMIT).
    first_cursors = [p * LIMIT for p in range(PAGES)]
    deep_cursors = [max(0, top - (PAGES - p) * LIMIT) for p in range(PAGES)]
    first_s, first_rows, first_q = _pages(keyset, first_cursors)
    deep_s, deep_rows, deep_q = _pages(keyset, deep_cursors)
    base_first_s, base_first_rows, base_first_q = _pages(offset, list(range(1, PAGES + 1)))
    base_deep_s, base_deep_rows, base_deep_q = _pages(
        offset, list(range(max(1, paginator.num_pages - PAGES + 1), paginator.num_pages + 1))
    )
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    details = {
        "changes_in_feed": total,
        "limit": LIMIT,
        "pages_timed_per_depth": PAGES,
        "pages_in_feed": pages_total,
        "setup_s": round(setup_s, 1),
        "ours_first_pages_per_s": PAGES / first_s,
        "ours_deep_pages_per_s": PAGES / deep_s,
        "ours_first_rows_per_s": first_rows / first_s,
        "ours_deep_rows_per_s": deep_rows / deep_s,
        "ours_queries_per_page_first": first_q,
        "ours_queries_per_page_deep": deep_q,
        "baseline_first_pages_per_s": PAGES / base_first_s,
        "baseline_deep_pages_per_s": PAGES / base_deep_s,
        "baseline_first_rows_per_s": base_first_rows / base_first_s,
        "baseline_deep_rows_per_s": base_deep_rows / base_deep_s,
        "baseline_queries_per_page_first": base_first_q,
        "baseline_queries_per_page_deep": base_deep_q,
        "load_average_before": " ".join(load_before),
        "load_average_after": " ".join(load_after),
    }
    ours, base = PAGES / deep_s, PAGES / base_deep_s
    return Figure(
        key="sync_feed",
        title=f"10. sync {total:,} registrations, deep pages of {LIMIT} ({connection.vendor})",
        unit="pages/s",
        ours=ours,
        baseline=base,
        target=f"≥ {TARGET_PAGES_PER_S:g} pages/s at any depth, constant queries",
        met=ours >= TARGET_PAGES_PER_S and first_q == deep_q and PAGES / first_s >= TARGET_PAGES_PER_S,
        higher_is_better=True,
        details=details,
    )
