"""Figure 9: the bureau's yearly report (issue 17) over the generated data, beside a loop over the rows.

Ours is `reports.figures.report_figures(Period.of_year(Y, today=...))`: the whole report, sections 1 to 5,
for the year holding the most generated applications (bench.generate; made here if the database does not
hold exactly N generated applications). The figure is the median of REPEAT runs, with the queries of one
run, which must not grow with the data (tests/reports/test_figures_queries.py checks that too).

The baseline computes THE SAME NUMBERS the way a first version would: it fetches the rows of the period
with plain `values_list` loops (applications, certificates, the certificates' projects) and counts in
Python, with the working days of each row through `workdays.working_days` — sections 1 (applications
received and decided), 2 (working-day deadlines) and 3 (certificates) — and then calls our own functions
for sections 4 and 5 (assessments, continuing education and supervision), so both sides produce the whole
report. Before anything is timed, the figure checks that every number of the compared tables is equal on
both sides (raises otherwise): a baseline that computes something else would make the ratio meaningless.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from bench.harness import Figure, measure

REPEAT = 5
LIMIT_S = 2.0
# (section, table, label cells before the numbers): every number of these tables is compared.
COMPARED = [
    ("applications", "received_by_kind", 1),
    ("applications", "received_by_month", 1),
    ("applications", "outcomes", 1),
    ("applications", "reasons", 1),  # the reason's text is compared too
    ("deadlines", "stages", 1),
    ("certificates", "in_force_by_prefecture", 1),
    ("certificates", "in_force_by_category", 2),
    ("certificates", "in_force_by_project", 3),
    ("certificates", "changes", 1),
    ("certificates", "employers", 1),
]


def _ensure_data(applications: int, seed: int, on: dt.date) -> None:
    from bench.generate import generate, generated_applications, remove_generated

    if generated_applications() != applications:
        remove_generated()
        generate(applications=applications, seed=seed, on=on)


def _busiest_year() -> int:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from registry.models import Application

    row = (
        Application.objects.filter(received_on__isnull=False)
        .annotate(year=ExtractYear("received_on"))
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by("-n", "-year")
        .first()
    )
    if row is None:
        raise RuntimeError("no generated application has been received")
    return row[0]


def _numbers(figures: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The compared tables of a report: {(section, table): {row key: the cells after the labels}}."""
    sections = {s["key"]: s for s in figures["sections"]}
    out = {}
    for section_key, table_key, skip in COMPARED:
        table = next(t for t in sections[section_key]["tables"] if t["key"] == table_key)
        rows = {row["key"]: list(row["cells"][skip:]) for row in table["rows"]}
        if table["total"] is not None:
            rows["<total>"] = list(table["total"][1:])
        out[section_key, table_key] = rows
    return out


def _rows(table: list[tuple[str, list[Any]]], total: list[Any] | None = None) -> dict[str, Any]:
    rows = dict(table)
    if total is not None:
        rows["<total>"] = total
    return rows


def _line(counter: Counter, first, columns: list) -> list[int]:
    """counter[first, c] for each column c, then their sum."""
    values = [counter[first, c] for c in columns]
    return [*values, sum(values)]


def _sums(rows: list[tuple[str, list[int]]]) -> list[int]:
    return [sum(column) for column in zip(*(cells for _k, cells in rows), strict=True)]


# --- the baseline: the rows in Python ---------------------------------------------------------------------


def _baseline_numbers(period) -> dict[tuple[str, str], dict[str, Any]]:
    from django.db.models import Q
    from django.utils.translation import gettext as _

    from exams.models import MetrologyCategory, MetrologyProject
    from people.models import Level, Prefecture
    from registry import deadlines
    from registry.models import Application, RegistrationCertificate
    from registry.workflow import ApplicationKind, ApplicationState, CertificateState
    from reports.figures.applications import REASON_MIN
    from reports.figures.common import nearest_rank, percent, suppress_small
    from workdays.working_days import add_working_days, working_days_between

    S = ApplicationState
    start, end, as_of = period.start, period.end, period.as_of
    levels = [int(v) for v, _l in Level.choices]
    kinds = [str(v) for v, _l in ApplicationKind.choices]
    months = period.months()

    def within(day) -> bool:
        return day is not None and start <= day <= end

    def by(day) -> bool:  # on or before as_of (a NULL date never is)
        return day is not None and day <= as_of

    received: Counter = Counter()
    by_month: Counter = Counter()
    outcomes: Counter = Counter()
    reasons: Counter = Counter()
    acceptance: Counter = Counter()
    approval: Counter = Counter()
    issuance: Counter = Counter()
    deemed = 0
    open_rows = {"acceptance": [0, 0], "approval": [0, 0], "issuance": [0, 0]}
    applying: dict[Any, set] = {}
    any_date = Q()
    for field in ("accepted_on", "approved_on", "issued_on", "closed_on", "corrections_requested_on"):
        any_date |= Q(**{f"{field}__range": period.range})
    rows = (
        Application.objects.filter(Q(received_on__lte=end) | any_date)
        .values_list(
            "kind",
            "level",
            "state",
            "received_on",
            "accepted_on",
            "deemed_accepted",
            "corrections_requested_on",
            "approved_on",
            "issued_on",
            "closed_on",
            "decision_reason",
            "employer_id",
            "employer__prefecture",
        )
        .order_by()
        .iterator(chunk_size=10_000)
    )
    for (
        kind,
        level,
        state,
        received_on,
        accepted_on,
        deemed_accepted,
        corrections_on,
        approved_on,
        issued_on,
        closed_on,
        reason,
        employer_id,
        prefecture,
    ) in rows:
        # Section 1: received, outcomes, reasons.
        if within(received_on):
            received[kind, level] += 1
            by_month[received_on.replace(day=1), kind] += 1
            if employer_id is not None:
                applying.setdefault(prefecture, set()).add(employer_id)
        if within(accepted_on):
            outcomes["accepted", level] += 1
            if deemed_accepted:
                outcomes["deemed", level] += 1
                deemed += 1
            else:
                acceptance[working_days_between(received_on, accepted_on)] += 1
        if within(corrections_on):
            outcomes["corrections", level] += 1
        if within(approved_on):
            outcomes["approved", level] += 1
            approval[working_days_between(received_on, approved_on)] += 1
        if within(issued_on):
            outcomes["issued", level] += 1
            issuance[working_days_between(approved_on, issued_on)] += 1
        if within(closed_on):
            if state == S.NOT_ACCEPTED:
                outcomes["not_accepted", level] += 1
                acceptance[working_days_between(received_on, closed_on)] += 1
            elif state == S.DENIED:
                outcomes["denied", level] += 1
                approval[working_days_between(received_on, closed_on)] += 1
            elif state == S.WITHDRAWN:
                outcomes["withdrawn", level] += 1
            if state in (S.NOT_ACCEPTED, S.DENIED):
                reasons[state, " ".join(reason.split()) or _("(no reason written)")] += 1
        # Section 2: open at the end of the period, and overdue.
        if (
            by(received_on)
            and not by(accepted_on)
            and not (by(closed_on) and state in (S.NOT_ACCEPTED, S.WITHDRAWN))
            and not (by(corrections_on) and corrections_on >= received_on)
        ):
            open_rows["acceptance"][0] += 1
            if add_working_days(received_on, deadlines.ACCEPTANCE_WORKING_DAYS) < as_of:
                open_rows["acceptance"][1] += 1
        if by(accepted_on) and not by(approved_on) and not (by(closed_on) and state == S.DENIED):
            open_rows["approval"][0] += 1
            if add_working_days(received_on, deadlines.APPROVAL_WORKING_DAYS) < as_of:
                open_rows["approval"][1] += 1
        if by(approved_on) and not by(issued_on):
            open_rows["issuance"][0] += 1
            if add_working_days(approved_on, deadlines.ISSUANCE_WORKING_DAYS) < as_of:
                open_rows["issuance"][1] += 1

    out: dict[tuple[str, str], dict[str, Any]] = {}
    kind_rows = [
        (k, [*(received[k, lv] for lv in levels), sum(received[k, lv] for lv in levels)]) for k in kinds
    ]
    out["applications", "received_by_kind"] = _rows(
        kind_rows, [sum(cells[i] for _k, cells in kind_rows) for i in range(len(levels) + 1)]
    )
    month_rows = [(m.isoformat(), _line(by_month, m, kinds)) for m in months]
    out["applications", "received_by_month"] = _rows(month_rows, _sums(month_rows))
    outcome_keys = [
        "accepted",
        "deemed",
        "not_accepted",
        "corrections",
        "approved",
        "denied",
        "withdrawn",
        "issued",
    ]
    out["applications", "outcomes"] = _rows([(key, _line(outcomes, key, levels)) for key in outcome_keys])
    reason_rows, other = [], Counter()
    for (state, reason), n in sorted(
        reasons.items(), key=lambda item: (item[0][0] != S.NOT_ACCEPTED, -item[1], item[0][1])
    ):
        if n >= REASON_MIN:
            reason_rows.append((f"{state}:{len(reason_rows)}", [reason, n]))
        else:
            other[state] += n
    for state in (S.NOT_ACCEPTED, S.DENIED):
        if other[state]:
            reason_rows.append(
                (f"{state}:other", [_("Other reasons (each given fewer than 3 times)"), other[state]])
            )
    out["applications", "reasons"] = _rows(reason_rows)

    stage_rows = []
    for key, limit, histogram, deemed_count in (
        ("acceptance", deadlines.ACCEPTANCE_WORKING_DAYS, acceptance, deemed),
        ("approval", deadlines.APPROVAL_WORKING_DAYS, approval, None),
        ("issuance", deadlines.ISSUANCE_WORKING_DAYS, issuance, None),
    ):
        decided = sum(histogram.values()) + (deemed_count or 0)
        on_time = sum(n for days, n in histogram.items() if days <= limit)
        stage_rows.append(
            (
                key,
                [
                    decided,
                    on_time,
                    percent(on_time, decided),
                    nearest_rank(histogram, 0.5),
                    nearest_rank(histogram, 0.9),
                    deemed_count,
                    *open_rows[key],
                ],
            )
        )
    out["deadlines", "stages"] = _rows(stage_rows)

    # Section 3: the certificates, one row at a time.
    day = as_of
    in_force: set[int] = set()
    cells: Counter = Counter()
    holding: dict[Any, set] = {}
    changes: Counter = Counter()
    change_kinds = {
        ApplicationKind.INITIAL: "new",
        ApplicationKind.CHANGE_SPECIALTY: "changed",
        ApplicationKind.CHANGE_EMPLOYER_NAME: "changed",
        ApplicationKind.CHANGE_EMPLOYER: "changed",
        ApplicationKind.RENEWAL: "renewed",
    }
    ended_states = {
        CertificateState.CANCELLED: "cancelled",
        CertificateState.EXPIRED: "expired",
        CertificateState.REVOKED: "revoked",
        CertificateState.LAPSED: "lapsed",
    }
    for pk, issued_on, valid_from, valid_until, ended_on, level, state, employer_id, prefecture, kind in (
        RegistrationCertificate.objects.filter(issued_on__lte=end)
        .values_list(
            "pk",
            "issued_on",
            "valid_from",
            "valid_until",
            "ended_on",
            "level",
            "state",
            "employer_id",
            "employer__prefecture",
            "application__kind",
        )
        .order_by()
        .iterator(chunk_size=10_000)
    ):
        if issued_on <= day and valid_from <= day <= valid_until and (ended_on is None or ended_on > day):
            in_force.add(pk)
            cells[prefecture, level] += 1
            if employer_id is not None:
                holding.setdefault(prefecture, set()).add(employer_id)
        if within(issued_on) and kind in change_kinds:
            changes[change_kinds[kind], level] += 1
        if within(ended_on) and state in ended_states:
            changes[ended_states[state], level] += 1

    prefectures = [str(v) for v, _l in Prefecture.choices]
    known = set(prefectures)
    prefectures += [p for p, _l in sorted({(p, p) for p, _lv in cells if p not in known})]
    table = [
        [None, *(cells[p, lv] for lv in levels), sum(cells[p, lv] for lv in levels)] for p in prefectures
    ]
    totals = [sum(row[i] for row in table) for i in range(1, len(levels) + 2)]
    suppress_small(table, range(1, len(levels) + 2))
    out["certificates", "in_force_by_prefecture"] = _rows(
        [(str(p), row[1:]) for p, row in zip(prefectures, table, strict=True)], totals
    )

    category_of = dict(MetrologyProject.objects.values_list("pk", "category_id"))
    by_project: Counter = Counter()
    by_category: dict[int, set] = {}
    for cert_id, project_id in (
        RegistrationCertificate.projects.through.objects.values_list(
            "registrationcertificate_id", "metrologyproject_id"
        )
        .order_by()
        .iterator(chunk_size=10_000)
    ):
        if cert_id in in_force:
            by_project[project_id] += 1
            by_category.setdefault(category_of[project_id], set()).add(cert_id)
    categories = MetrologyCategory.objects.values_list("pk", "code")
    out["certificates", "in_force_by_category"] = _rows(
        [(code, [len(by_category.get(pk, ()))]) for pk, code in categories]
    )
    code_of = dict(MetrologyProject.objects.values_list("pk", "code"))
    out["certificates", "in_force_by_project"] = _rows([(code_of[pk], [n]) for pk, n in by_project.items()])
    change_keys = ["new", "changed", "renewed", "cancelled", "expired", "revoked", "lapsed"]
    out["certificates", "changes"] = _rows([(key, _line(changes, key, levels)) for key in change_keys])
    out["certificates", "employers"] = _rows(
        [(str(p), [len(holding.get(p, ())), len(applying.get(p, ()))]) for p in prefectures],
        [sum(len(s) for s in holding.values()), sum(len(s) for s in applying.values())],
    )
    return out


def _baseline(period):
    """The whole report the plain way: sections 1–3 by the loops above, sections 4–5 by our functions."""
    from reports.figures.assessments import assessments_section
    from reports.figures.followup import followup_section

    def run():
        numbers = _baseline_numbers(period)
        assessments_section(period)
        followup_section(period)
        return numbers

    return run


def _same(ours: dict, base: dict) -> list[str]:
    """Where the two disagree (row order aside: rows are compared by key), as readable lines."""
    problems = []
    for key in ours:
        if ours[key] != base[key]:
            mine, theirs = ours[key], base[key]
            for row in sorted(set(mine) | set(theirs)):
                if mine.get(row) != theirs.get(row):
                    problems.append(
                        f"{key[0]}/{key[1]}/{row}: ours {mine.get(row)} ≠ baseline {theirs.get(row)}"
                    )
    return problems


def run(*, applications: int = 100_000, seed: int = 1, repeat: int = REPEAT) -> Figure:
    from django.db import connection

    from reports.figures import Period, report_figures
    from workdays.working_days import add_working_days

    on = timezone.localdate()
    _ensure_data(applications, seed, on)
    year = _busiest_year()
    period = Period.of_year(year, today=on)
    add_working_days(on, 1)  # a running process has its calendar loaded

    ours_numbers = _numbers(report_figures(period))
    base_numbers = _baseline(period)()
    problems = _same(ours_numbers, base_numbers)
    if problems:
        raise AssertionError("the baseline and ours disagree:\n" + "\n".join(problems[:20]))

    mine = measure(lambda: report_figures(period), repeat=repeat)
    base = measure(_baseline(period), repeat=1, warmup=0)
    large_pg = connection.vendor == "postgresql" and applications >= 1_000_000
    met = mine.median <= LIMIT_S if large_pg else None
    received = ours_numbers["applications", "received_by_kind"]["<total>"][-1]
    return Figure(
        key="yearly_report",
        title=f"9. yearly report {year}, sections 1–5 ({applications:,} applications, {connection.vendor})",
        unit="s",
        ours=mine.median,
        baseline=base.median,
        target=f"≤ {LIMIT_S:g} s at 1M on PG, queries constant",
        met=met,
        details={
            "applications": applications,
            "year": year,
            "received_in_year": received,
            "in_force_at_end": ours_numbers["certificates", "in_force_by_prefecture"]["<total>"][-1],
            "tables_compared_equal": [f"{s}/{t}" for s, t, _skip in COMPARED],
            "p95_s": mine.p95,
            "queries": mine.queries,
            "baseline_queries": base.queries,
            "baseline_is_python_for_sections": [1, 2, 3],
            "runs_s": mine.runs,
            "runs_baseline_s": base.runs,
        },
    )
