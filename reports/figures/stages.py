"""Section 2's numbers in one pass over the applications (reports.figures.applications uses them).

Each stage of the 5/10/5 deadlines asks its own question of an application — was it decided at this stage
in the period, between which two dates; was it still open at this stage on the last day, since when — so a
query per question would read the applications table seven times. Here the table is read once, crossed
with a constant table of the seven questions (`CROSS JOIN (SELECT 1 … UNION ALL SELECT 7)`), and grouped by
(question, start date, end date): a few thousand groups a year, whatever the number of applications. Plain
SQL that SQLite and PostgreSQL both run; every condition is written to be NULL-safe (a NULL date never
makes a row vanish from a NOT).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection

from registry.models import Application
from registry.workflow import ApplicationState as S

from .common import Period

ACCEPTANCE, APPROVAL, ISSUANCE, DEEMED, OPEN_ACCEPTANCE, OPEN_APPROVAL, OPEN_ISSUANCE = range(1, 8)


def _date(value) -> dt.date | None:
    """SQLite hands dates back as text from a raw query; PostgreSQL as dates."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def stage_groups(period: Period) -> dict[int, list[tuple[dt.date | None, dt.date | None, int]]]:
    """{question: [(start, end, how many)]} for the seven questions (the constants above):
    decided at acceptance (by a person), at approval, at issue, in the period (start → end of the stage);
    deemed accepted in the period (no dates); open at acceptance, approval, issue on `as_of` (start only)."""
    table = connection.ops.quote_name(Application._meta.db_table)
    start, end, day = period.start, period.end, period.as_of
    # Only constants of this module and the quoted table name are formatted in; every value is a parameter.
    sql = f"""
        SELECT q.n,
               CASE WHEN q.n IN ({ISSUANCE}, {OPEN_ISSUANCE}) THEN a.approved_on
                    WHEN q.n = {DEEMED} THEN NULL ELSE a.received_on END,
               CASE q.n
                    WHEN {ACCEPTANCE} THEN CASE WHEN a.state = %s THEN a.closed_on ELSE a.accepted_on END
                    WHEN {APPROVAL} THEN CASE WHEN a.state = %s THEN a.closed_on ELSE a.approved_on END
                    WHEN {ISSUANCE} THEN a.issued_on
                    ELSE NULL END,
               COUNT(*)
        FROM {table} a
        CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                    UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) q
        WHERE (q.n = {ACCEPTANCE} AND (
                   (a.accepted_on BETWEEN %s AND %s AND a.deemed_accepted = %s)
                   OR (a.state = %s AND a.closed_on BETWEEN %s AND %s)))
           OR (q.n = {APPROVAL} AND (
                   a.approved_on BETWEEN %s AND %s OR (a.state = %s AND a.closed_on BETWEEN %s AND %s)))
           OR (q.n = {ISSUANCE} AND a.issued_on BETWEEN %s AND %s)
           OR (q.n = {DEEMED} AND a.accepted_on BETWEEN %s AND %s AND a.deemed_accepted = %s)
           OR (q.n = {OPEN_ACCEPTANCE} AND a.received_on <= %s
               AND (a.accepted_on IS NULL OR a.accepted_on > %s)
               AND NOT (a.state IN (%s, %s) AND a.closed_on IS NOT NULL AND a.closed_on <= %s)
               AND NOT (a.corrections_requested_on IS NOT NULL AND a.corrections_requested_on <= %s
                        AND a.corrections_requested_on >= a.received_on))
           OR (q.n = {OPEN_APPROVAL} AND a.accepted_on <= %s
               AND (a.approved_on IS NULL OR a.approved_on > %s)
               AND NOT (a.state = %s AND a.closed_on IS NOT NULL AND a.closed_on <= %s))
           OR (q.n = {OPEN_ISSUANCE} AND a.approved_on <= %s AND (a.issued_on IS NULL OR a.issued_on > %s))
        GROUP BY 1, 2, 3
    """  # noqa: S608
    params = [
        S.NOT_ACCEPTED, S.DENIED,
        start, end, False, S.NOT_ACCEPTED, start, end,
        start, end, S.DENIED, start, end,
        start, end,
        start, end, True,
        day, day, S.NOT_ACCEPTED, S.WITHDRAWN, day, day,
        day, day, S.DENIED, day,
        day, day,
    ]  # fmt: skip
    groups: dict[int, list[tuple[dt.date | None, dt.date | None, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(p) if isinstance(p, S) else p for p in params])
        for question, first, last, count in cursor.fetchall():
            groups[int(question)].append((_date(first), _date(last), int(count)))
    return groups
