"""Sections 1 and 2: the applications received and decided in the period, and the working-day deadlines.

Every number comes from a handful of grouped queries over `registry.Application` (the row keeps each
stage's dates: receipt, correction notice, acceptance, approval, issue, close), never from a loop over
applications. Working days are counted by `workdays` for each distinct pair of dates a query returns, so
the Python work grows with the days of the period, not with the applications.

Definitions (also printed under the tables):
- received: the materials were received in the period (the last receipt, for materials resubmitted after
  a correction notice);
- an acceptance decision (受理 or 不予受理) is on time within 5 working days of the receipt; a deemed
  acceptance (视为受理, Administrative Licensing Law art. 32) is a missed deadline and is not counted in the
  days used (its decision was never made);
- an approval or a denial is on time within 10 working days of the receipt of the complete materials;
- an issue is on time within 5 working days of the approval;
- open at the end: in that stage on the last day the period speaks for (its end, or today), and overdue
  if the stage's deadline had passed by then.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from people.models import Level
from registry import deadlines
from registry.models import Application
from registry.workflow import ApplicationKind, ApplicationState
from workdays.working_days import current_calendar

from .common import Period, by_level, chart, column_sums, month_label, nearest_rank, percent, section, table
from .stages import (
    ACCEPTANCE,
    APPROVAL,
    DEEMED,
    ISSUANCE,
    OPEN_ACCEPTANCE,
    OPEN_APPROVAL,
    OPEN_ISSUANCE,
    stage_groups,
)

S = ApplicationState
REASON_MIN = 3  # a reason given fewer times is counted under "other reasons" (it could single someone out)


def _levels() -> list[tuple[int, str]]:
    return [(int(value), str(label)) for value, label in Level.choices]


@dataclass(frozen=True)
class ApplicationPass:
    """What one pass over the applications of a period found (`application_pass`): the receipts by kind,
    level and month, the outcomes by level, and the certificates issued by kind and level (issuing an
    application of any kind but a cancellation creates exactly one certificate, dated and levelled as the
    application: registry.services.certificates), which section 3 reads instead of joining certificates to
    their applications again."""

    outcomes: list[tuple[str, str]]
    received: list[tuple[str, int, Any, int]]
    by_level: dict[int, list[int]]
    issued: Counter[tuple[str, int]]


def application_pass(period: Period) -> ApplicationPass:
    # One pass over the applications of the period: received (by kind, level and month of receipt) and
    # every outcome (a conditional count each), grouped by kind, level and month; summed below.
    def within(field: str) -> Q:
        return Q(**{f"{field}__range": period.range})

    outcomes = [
        ("accepted", _("Accepted (including deemed acceptances)"), within("accepted_on")),
        (
            "deemed",
            _("of which deemed accepted (deadline missed)"),
            within("accepted_on") & Q(deemed_accepted=True),
        ),
        ("not_accepted", _("Not accepted"), within("closed_on") & Q(state=S.NOT_ACCEPTED)),
        ("corrections", _("Correction notices sent"), within("corrections_requested_on")),
        ("approved", _("Approved"), within("approved_on")),
        ("denied", _("Denied"), within("closed_on") & Q(state=S.DENIED)),
        ("withdrawn", _("Withdrawn"), within("closed_on") & Q(state=S.WITHDRAWN)),
        ("issued", _("Certificate issued"), within("issued_on")),
    ]
    received_in_period = within("received_on")
    concerned = received_in_period
    for _key, _label, condition in outcomes:
        concerned |= condition
    counted = (
        Application.objects.filter(concerned)
        .annotate(month=TruncMonth("received_on"))
        .values_list("kind", "level", "month")
        .annotate(
            received=Count("id", filter=received_in_period),
            **{key: Count("id", filter=condition) for key, _label, condition in outcomes},
        )
        .order_by()
    )
    by_level: dict[int, list[int]] = {}
    received = []
    issued: Counter[tuple[str, int]] = Counter()
    issued_at = [key for key, _label, _condition in outcomes].index("issued")
    for kind, level, month, n, *outcome_counts in counted:
        if n:
            received.append((kind, level, month, n))
        sums = by_level.setdefault(level, [0] * len(outcomes))
        for i, value in enumerate(outcome_counts):
            sums[i] += value
        issued[kind, level] += outcome_counts[issued_at]
    return ApplicationPass(
        outcomes=[(key, str(label)) for key, label, _condition in outcomes],
        received=received,
        by_level=by_level,
        issued=issued,
    )


def applications_section(period: Period, counts: ApplicationPass | None = None) -> dict[str, Any]:
    levels = _levels()
    level_names = [label for _v, label in levels]
    kinds = [(str(value), str(label)) for value, label in ApplicationKind.choices]

    counts = counts or application_pass(period)
    outcomes, received, by_level_counts = counts.outcomes, counts.received, counts.by_level
    by_kind_level: Counter[tuple[str, int]] = Counter()
    by_month_kind: Counter[tuple[dt.date, str]] = Counter()
    for kind, level, month, n in received:
        month = month.date() if isinstance(month, dt.datetime) else month
        by_kind_level[kind, level] += n
        by_month_kind[month, kind] += n
    kind_rows = [
        (
            kind,
            [
                label,
                *(by_kind_level[kind, lv] for lv, _l in levels),
                sum(by_kind_level[kind, lv] for lv, _l in levels),
            ],
        )
        for kind, label in kinds
    ]
    sums = column_sums((cells for _k, cells in kind_rows), len(levels) + 2)
    received_table = table(
        "received_by_kind",
        _("Applications received, by kind and level"),
        [_("Kind of application"), *level_names, _("Total")],
        kind_rows,
        total=[_("Total"), *sums[1:]],
    )
    months = period.months()
    with_year = len({m.year for m in months}) > 1 or period.year is None
    month_rows = [
        (
            m.isoformat(),
            [
                month_label(m, with_year=with_year),
                *(by_month_kind[m, k] for k, _l in kinds),
                sum(by_month_kind[m, k] for k, _l in kinds),
            ],
        )
        for m in months
    ]
    month_sums = column_sums((cells for _k, cells in month_rows), len(kinds) + 2)
    month_table = table(
        "received_by_month",
        _("Applications received, by month and kind"),
        [_("Month"), *(label for _k, label in kinds), _("Total")],
        month_rows,
        total=[_("Total"), *month_sums[1:]],
    )
    month_chart = chart(
        "received_by_month",
        _("Applications received each month"),
        "stacked",
        [cells[0] for _k, cells in month_rows],
        [(label, [by_month_kind[m, k] for m in months]) for k, label in kinds],
    )

    outcome_table, outcome_chart = by_level(
        "outcomes",
        _("Decisions in the period, by level"),
        _("Decisions in the period"),
        _("Outcome"),
        levels,
        outcomes,
        by_level_counts,
        not_charted=frozenset({"deemed"}),
    )

    # The reasons given for not accepting and for denying, grouped by their words.
    reasons: Counter[tuple[str, str]] = Counter()
    for state, reason, n in (
        Application.objects.filter(closed_on__range=period.range, state__in=(S.NOT_ACCEPTED, S.DENIED))
        .values_list("state", "decision_reason")
        .annotate(n=Count("id"))
        .order_by()
    ):
        reasons[state, " ".join(reason.split()) or _("(no reason written)")] += n
    decision_label = {S.NOT_ACCEPTED.value: _("Not accepted"), S.DENIED.value: _("Denied")}
    reason_rows: list[tuple[str, list[Any]]] = []
    other: Counter[str] = Counter()
    for (state, reason), n in sorted(
        reasons.items(), key=lambda item: (item[0][0] != S.NOT_ACCEPTED, -item[1], item[0][1])
    ):
        if n >= REASON_MIN:
            reason_rows.append((f"{state}:{len(reason_rows)}", [decision_label[state], reason, n]))
        else:
            other[state] += n
    for state in (S.NOT_ACCEPTED, S.DENIED):
        if other[state]:
            reason_rows.append(
                (
                    f"{state}:other",
                    [decision_label[state], _("Other reasons (each given fewer than 3 times)"), other[state]],
                )
            )
    reason_table = table(
        "reasons",
        _("Reasons given for not accepting and for denying"),
        [_("Decision"), _("Reason"), _("Applications")],
        reason_rows,
    )
    tables = [received_table, month_table, outcome_table, reason_table]
    charts = [month_chart, outcome_chart]
    if reason_rows:
        charts.append(
            chart(
                "reasons",
                _("Reasons for not accepting and for denying"),
                "hbar",
                [f"{cells[0]}：{cells[1]}" for _k, cells in reason_rows],
                [(_("Applications"), [cells[2] for _k, cells in reason_rows])],
            )
        )
    return section(
        "applications",
        1,
        _("Applications received and decided"),
        tables=tables,
        charts=charts,
        notes=[
            _(
                "An application counts as received in the month its materials were received (for materials "
                "resubmitted after a correction notice, the last receipt). Decisions count in the period "
                "they were made, whenever the application was received."
            ),
            _(
                "A reason given fewer than 3 times is counted under "
                "other reasons, so that no one can be recognised."
            ),
        ],
    )


def deadlines_section(period: Period) -> dict[str, Any]:
    calendar = current_calendar()
    as_of = period.as_of

    groups = stage_groups(period)

    def used(question: int) -> Counter[int]:
        histogram: Counter[int] = Counter()
        for first, last, n in groups[question]:
            if first is not None and last is not None:  # the workflow always stamps both; a row
                histogram[calendar.working_days_between(first, last)] += n  # written around it may not
        return histogram

    acceptance, approval, issuance = used(ACCEPTANCE), used(APPROVAL), used(ISSUANCE)
    deemed = sum(n for _first, _last, n in groups[DEEMED])

    def open_and_overdue(question: int, working_days: int) -> tuple[int, int]:
        """Open on `as_of`, and of those overdue: the deadline (the Nth working day after the start) had
        passed, i.e. fell before `as_of`."""
        total = overdue = 0
        for started, _last, n in groups[question]:
            total += n
            if started is not None and calendar.add_working_days(started, working_days) < as_of:
                overdue += n
        return total, overdue

    stages = [
        (
            "acceptance",
            _("Acceptance (5 working days)"),
            deadlines.ACCEPTANCE_WORKING_DAYS,
            acceptance,
            deemed,
            open_and_overdue(OPEN_ACCEPTANCE, deadlines.ACCEPTANCE_WORKING_DAYS),
        ),
        (
            "approval",
            _("Approval (10 working days)"),
            deadlines.APPROVAL_WORKING_DAYS,
            approval,
            None,
            open_and_overdue(OPEN_APPROVAL, deadlines.APPROVAL_WORKING_DAYS),
        ),
        (
            "issuance",
            _("Issue (5 working days)"),
            deadlines.ISSUANCE_WORKING_DAYS,
            issuance,
            None,
            open_and_overdue(OPEN_ISSUANCE, deadlines.ISSUANCE_WORKING_DAYS),
        ),
    ]
    rows = []
    on_time_series, late_series = [], []
    for key, label, limit, histogram, deemed_count, (still_open, overdue) in stages:
        made = sum(histogram.values())
        on_time = sum(n for days, n in histogram.items() if days <= limit)
        decided = made + (deemed_count or 0)
        rows.append(
            (
                key,
                [
                    label,
                    decided,
                    on_time,
                    percent(on_time, decided),
                    nearest_rank(histogram, 0.5),
                    nearest_rank(histogram, 0.9),
                    deemed_count if deemed_count is not None else None,
                    still_open,
                    overdue,
                ],
            )
        )
        on_time_series.append(on_time)
        late_series.append(decided - on_time)
    compliance_table = table(
        "stages",
        _("Working-day deadlines, by stage"),
        [
            _("Stage"),
            _("Decided"),
            _("On time"),
            _("On time (%)"),
            _("Median working days used"),
            _("90th percentile of working days used"),
            _("Deemed acceptances"),
            _("Open at the end of the period"),
            _("of which overdue"),
        ],
        rows,
    )
    # How many working days each stage took: the distribution behind the median and the 90th percentile.
    cap = 20  # longer stays are drawn together in the last bar
    longest = max((max(stage[3]) for stage in stages if stage[3]), default=0)
    top = min(max(longest, deadlines.APPROVAL_WORKING_DAYS + 1), cap + 1)
    spread_categories = [str(d) for d in range(top)] + ([f"{cap + 1}+"] if longest > cap else [str(top)])

    def bucketed(histogram: Counter[int]) -> list[int]:
        bars = [histogram.get(d, 0) for d in range(top)]
        bars.append(sum(n for d, n in histogram.items() if d >= top))
        return bars

    spread = chart(
        "days_used",
        _("Working days used, by stage"),
        "bar",
        spread_categories,
        [(cells[0], bucketed(stage[3])) for (_key, cells), stage in zip(rows, stages, strict=True)],
        unit=_("working days"),
    )
    return section(
        "deadlines",
        2,
        _("Working-day deadlines (5, 10 and 5 working days)"),
        tables=[compliance_table],
        charts=[
            chart(
                "on_time",
                _("Decisions on time and late, by stage"),
                "stacked",
                [cells[0] for _k, cells in rows],
                [(_("On time"), on_time_series), (_("Late or deemed"), late_series)],
            ),
            spread,
        ],
        notes=[
            _(
                "Working days are counted on the official calendar "
                "(holidays and swapped working days included), "
                "from the day after the receipt or the approval. A deemed acceptance is a missed deadline: "
                "it counts among the decisions, not on time, and "
                "not in the days used. The median and the 90th "
                "percentile are by the nearest-rank method."
            ),
            _("Open and overdue are counted on %(day)s.") % {"day": as_of.isoformat()},
        ],
    )
