"""Section 2's numbers in one pass over the applications (reports.figures.applications uses them).

Each stage of the 5/10/5 deadlines asks its own question of an application — was it decided at this stage
in the period, between which two dates; was it still open at this stage on the last day, since when. A
query per question reads the applications table seven times (1.3 s at 1,000,000 applications, benchmark
figure 9). Here the table is read once: each row is crossed with the seven questions, each question keeps
the rows it concerns, and the result is grouped by (question, start date, end date) — a few thousand groups
a year, whatever the number of applications.

PostgreSQL would put the seven constants of such a cross join outside and scan the table once per question;
it is given GROUPING SETS instead (one scan, five hash tables, a FILTERed count per question). SQLite keeps
the table written first in a CROSS JOIN as the outer loop, so it is given the cross join. Both texts are
built from the same fragments, so they ask the same questions (the hand-built tests run on both).
Every condition is NULL-safe: a missing date never makes a row vanish from a NOT.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from registry.models import Application
from registry.workflow import ApplicationState as S

from .common import Period

ACCEPTANCE, APPROVAL, ISSUANCE, DEEMED, OPEN_ACCEPTANCE, OPEN_APPROVAL, OPEN_ISSUANCE = range(1, 8)


@dataclass(frozen=True)
class _Sql:
    text: str
    params: tuple = ()


@dataclass(frozen=True)
class _Question:
    number: int
    start: _Sql
    end: _Sql
    condition: _Sql


def _questions(period: Period) -> list[_Question]:
    first, last, day = period.start, period.end, period.as_of
    no_date = _Sql("NULL")
    received, approved = _Sql("a.received_on"), _Sql("a.approved_on")
    return [
        _Question(
            ACCEPTANCE,
            received,
            _Sql("CASE WHEN a.state = %s THEN a.closed_on ELSE a.accepted_on END", (S.NOT_ACCEPTED,)),
            _Sql(
                "((a.accepted_on BETWEEN %s AND %s AND a.deemed_accepted = %s)"
                " OR (a.state = %s AND a.closed_on BETWEEN %s AND %s))",
                (first, last, False, S.NOT_ACCEPTED, first, last),
            ),
        ),
        _Question(
            APPROVAL,
            received,
            _Sql("CASE WHEN a.state = %s THEN a.closed_on ELSE a.approved_on END", (S.DENIED,)),
            _Sql(
                "(a.approved_on BETWEEN %s AND %s OR (a.state = %s AND a.closed_on BETWEEN %s AND %s))",
                (first, last, S.DENIED, first, last),
            ),
        ),
        _Question(
            ISSUANCE, approved, _Sql("a.issued_on"), _Sql("(a.issued_on BETWEEN %s AND %s)", (first, last))
        ),
        _Question(
            DEEMED,
            no_date,
            no_date,
            _Sql("(a.accepted_on BETWEEN %s AND %s AND a.deemed_accepted = %s)", (first, last, True)),
        ),
        _Question(
            OPEN_ACCEPTANCE,
            received,
            no_date,
            _Sql(
                "(a.received_on <= %s AND (a.accepted_on IS NULL OR a.accepted_on > %s)"
                " AND NOT (a.state IN (%s, %s) AND a.closed_on IS NOT NULL AND a.closed_on <= %s)"
                " AND NOT (a.corrections_requested_on IS NOT NULL AND a.corrections_requested_on <= %s"
                " AND a.corrections_requested_on >= a.received_on))",
                (day, day, S.NOT_ACCEPTED, S.WITHDRAWN, day, day),
            ),
        ),
        _Question(
            OPEN_APPROVAL,
            received,
            no_date,
            _Sql(
                "(a.accepted_on <= %s AND (a.approved_on IS NULL OR a.approved_on > %s)"
                " AND NOT (a.state = %s AND a.closed_on IS NOT NULL AND a.closed_on <= %s))",
                (day, day, S.DENIED, day),
            ),
        ),
        _Question(
            OPEN_ISSUANCE,
            approved,
            no_date,
            _Sql("(a.approved_on <= %s AND (a.issued_on IS NULL OR a.issued_on > %s))", (day, day)),
        ),
    ]


# The grouping sets of the PostgreSQL text, and which question each answers (see _postgresql).
_SETS = ("(t.received_on, t.acc_end)", "(t.received_on, t.app_end)", "(t.approved_on, t.issued_on)",
         "(t.received_on)", "(t.approved_on)")  # fmt: skip
# GROUPING(received_on, acc_end, app_end, approved_on, issued_on): a 1 bit for each column NOT grouped.
_BY_RECEIPT_AND_ACCEPTANCE, _BY_RECEIPT_AND_APPROVAL, _BY_APPROVAL_AND_ISSUE = 0b00111, 0b01011, 0b11100
_BY_RECEIPT, _BY_APPROVAL = 0b01111, 0b11101
# (grouping set, question, column of its start, column of its end or None)
_ANSWERS = (
    (_BY_RECEIPT_AND_ACCEPTANCE, ACCEPTANCE, 1, 2),
    (_BY_RECEIPT_AND_APPROVAL, APPROVAL, 1, 3),
    (_BY_APPROVAL_AND_ISSUE, ISSUANCE, 4, 5),
    (_BY_RECEIPT, DEEMED, None, None),
    (_BY_RECEIPT, OPEN_ACCEPTANCE, 1, None),
    (_BY_RECEIPT, OPEN_APPROVAL, 1, None),
    (_BY_APPROVAL, OPEN_ISSUANCE, 4, None),
)


def _postgresql(table: str, questions: list[_Question]) -> tuple[str, list]:
    """One scan, hashed into five grouping sets at once, each question counted with its own FILTER.
    (A LATERAL list of the seven questions per row took 3.8 s at 1,000,000 applications, a cross join
    with them 1.2 s — PostgreSQL scanned the table once per question — and this 0.6 s.)"""
    by_number = {q.number: q for q in questions}
    acceptance_end, approval_end = by_number[ACCEPTANCE].end, by_number[APPROVAL].end
    columns = [f"({q.condition.text}) AS c{q.number}" for q in questions]
    params = [*acceptance_end.params, *approval_end.params]
    for q in questions:
        params += q.condition.params
    counts = ", ".join(f"COUNT(*) FILTER (WHERE t.c{q.number})" for q in questions)
    keep = " OR ".join(f"t.c{q.number}" for q in questions)
    sql = (
        "SELECT GROUPING(t.received_on, t.acc_end, t.app_end, t.approved_on, t.issued_on), "  # noqa: S608
        f"t.received_on, t.acc_end, t.app_end, t.approved_on, t.issued_on, {counts} "
        "FROM (SELECT a.received_on, a.approved_on, a.issued_on, "
        f"{acceptance_end.text} AS acc_end, {approval_end.text} AS app_end, {', '.join(columns)} "
        f"FROM {table} a) t WHERE {keep} GROUP BY GROUPING SETS ({', '.join(_SETS)})"
    )
    return sql, params


def _postgresql_groups(rows, questions: list[_Question]) -> dict[int, list]:
    position = {q.number: 6 + i for i, q in enumerate(questions)}  # the FILTERed counts follow 6 columns
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        for grouping, question, start, end in _ANSWERS:
            count = row[position[question]]
            if row[0] == grouping and count:
                groups[question].append(
                    (row[start] if start else None, row[end] if end else None, int(count))
                )
    return groups


def _sqlite(table: str, questions: list[_Question]) -> tuple[str, list]:
    params: list = []
    starts = " ".join(f"WHEN {q.number} THEN {q.start.text}" for q in questions)
    for q in questions:
        params += q.start.params
    ends = " ".join(f"WHEN {q.number} THEN {q.end.text}" for q in questions)
    for q in questions:
        params += q.end.params
    numbers = " UNION ALL ".join(f"SELECT {q.number} AS n" for q in questions)
    keep = " OR ".join(f"(q.n = {q.number} AND {q.condition.text})" for q in questions)
    for q in questions:
        params += q.condition.params
    sql = (
        f"SELECT q.n, CASE q.n {starts} END, CASE q.n {ends} END, COUNT(*) "  # noqa: S608 (as above)
        f"FROM {table} a CROSS JOIN ({numbers}) q WHERE {keep} GROUP BY 1, 2, 3"
    )
    return sql, params


def _date(value) -> dt.date | None:
    """SQLite hands dates back as text from a raw query; PostgreSQL as dates."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def stage_groups(period: Period) -> dict[int, list[tuple[dt.date | None, dt.date | None, int]]]:
    """{question: [(start, end, how many)]} for the seven questions (the constants above): decided at
    acceptance (by a person), at approval, at issue, in the period (start → end of the stage); deemed
    accepted in the period (no dates); open at acceptance, approval, issue on `as_of` (start only)."""
    table = connection.ops.quote_name(Application._meta.db_table)
    questions = _questions(period)
    postgresql = connection.vendor == "postgresql"
    sql, params = (_postgresql if postgresql else _sqlite)(table, questions)
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(p) if isinstance(p, S) else p for p in params])
        rows = cursor.fetchall()
    if postgresql:
        return _postgresql_groups(rows, questions)
    groups: dict[int, list[tuple[dt.date | None, dt.date | None, int]]] = defaultdict(list)
    for question, first, last, count in rows:
        groups[int(question)].append((_date(first), _date(last), int(count)))
    return groups
