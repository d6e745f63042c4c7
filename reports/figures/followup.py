"""Section 5: continuing education and supervision, from the training and supervision work.

Continuing education: for each year of the period, the holders registered in it and how many met the
requirement (90 hours a year, at least two thirds professional, pro rata for part of a year), by the one
rule of `training.rules`, read through `training.aggregates` (two queries whatever the number of holders).
Supervision: the spot-check plans drawn in the period, the checks completed in it and what they found, the
measures ordered, the assistance visits and the feedback received. Where a part has no data yet the
section says so in a sentence instead of printing zeros.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from supervision.models import (
    AssistanceVisit,
    Check,
    CheckResult,
    CheckState,
    Feedback,
    FeedbackState,
    FeedbackTopic,
    Finding,
    Measure,
    MeasureKind,
    MeasureState,
    Plan,
    PlanKind,
    VisitState,
    VisitTopic,
)
from supervision.models.checks import checklist_label
from training.aggregates import compliance_aggregates
from training.models import Participation

from .common import Period, chart, column_sums, percent, section, suppress_small, table


def _continuing_education(period: Period) -> tuple[list, list, list[str]]:
    years = period.years()
    if not Participation.objects.filter(activity__ends_on__year__in=years).exists():
        return [], [], [_("No continuing education has been recorded for this period yet.")]
    aggregates = compliance_aggregates(years=years)
    year_rows = []
    for agg in aggregates:
        t = agg.total
        year_rows.append(
            (
                str(agg.year),
                [
                    str(agg.year),
                    t.holders,
                    t.compliant,
                    t.short,
                    percent(t.compliant, t.holders),
                    float(t.confirmed_hours),
                ],
            )
        )
    years_table = table(
        "ce_years",
        _("Continuing education, by year"),
        [
            _("Year"),
            _("Holders registered"),
            _("Met the requirement"),
            _("Short"),
            _("Met (%)"),
            _("Hours confirmed"),
        ],
        year_rows,
    )
    last = aggregates[-1]
    rows = [[c.label, c.holders, c.compliant, c.short] for c in last.by_prefecture]
    totals = column_sums(rows, 4)
    chart_rows = [list(r) for r in rows]
    suppress_small(rows, (1, 2, 3))
    prefecture_table = table(
        "ce_by_prefecture",
        _("Continuing education in %(year)s, by prefecture") % {"year": last.year},
        [_("Prefecture"), _("Holders registered"), _("Met the requirement"), _("Short")],
        [(c.prefecture, row) for c, row in zip(last.by_prefecture, rows, strict=True)],
        total=[_("Total"), *totals[1:]],
    )
    ce_chart = chart(
        "ce_by_prefecture",
        _("Continuing education in %(year)s, by prefecture") % {"year": last.year},
        "stacked",
        [r[0] for r in chart_rows],
        [
            (
                _("Met the requirement"),
                [r[2] if not isinstance(rows[i][2], str) else None for i, r in enumerate(chart_rows)],
            ),
            (
                _("Short"),
                [r[3] if not isinstance(rows[i][3], str) else None for i, r in enumerate(chart_rows)],
            ),
        ],
    )
    notes = [
        _(
            "Required: 90 hours a year, at least two thirds in "
            "professional subjects, pro rata for a part of a "
            "year; only hours confirmed by the employer count. A year still running is counted so far."
        )
    ]
    return [years_table, prefecture_table], [ce_chart], notes


def _supervision(period: Period) -> tuple[list, list, list[str]]:
    within = period.range
    plans = Plan.objects.filter(drawn_at__date__range=within)
    completed = Check.objects.filter(state=CheckState.COMPLETED, completed_at__date__range=within)
    measures = Measure.objects.filter(created_at__date__range=within)
    visits = AssistanceVisit.objects.filter(created_at__date__range=within)
    feedback = Feedback.objects.filter(created_at__date__range=within)
    plan_counts = dict(plans.values_list("kind").annotate(n=Count("id")).order_by())
    check_counts = {
        kind: (n, problems)
        for kind, n, problems in completed.values_list("plan__kind")
        .annotate(n=Count("id"), problems=Count("id", filter=Q(result=CheckResult.PROBLEMS)))
        .order_by()
    }
    drawn_checks = dict(
        Check.objects.filter(plan__in=plans).values_list("plan__kind").annotate(n=Count("id")).order_by()
    )
    findings = list(
        Finding.objects.filter(check_row__in=completed, found=True)
        .values_list("check_row__plan__kind", "item")
        .annotate(n=Count("id"))
        .order_by("check_row__plan__kind", "item")
    )
    measure_counts = {
        kind: (n, done)
        for kind, n, done in measures.values_list("kind")
        .annotate(n=Count("id"), done=Count("id", filter=Q(state=MeasureState.DONE)))
        .order_by()
    }
    visit_states = dict(visits.values_list("state").annotate(n=Count("id")).order_by())
    visit_topics: Counter[str] = Counter()
    for topics, n in visits.values_list("topics").annotate(n=Count("id")).order_by():
        for topic in topics or ():
            visit_topics[topic] += n
    feedback_counts = {
        topic: (n, answered)
        for topic, n, answered in feedback.values_list("topic")
        .annotate(n=Count("id"), answered=Count("id", filter=~Q(state=FeedbackState.NEW)))
        .order_by()
    }
    if not (plan_counts or check_counts or measure_counts or visit_states or feedback_counts):
        return (
            [],
            [],
            [_("No spot check, assistance visit or feedback has been recorded for this period yet.")],
        )
    kinds = [(str(v), str(label)) for v, label in PlanKind.choices]
    check_rows = [
        (
            k,
            [
                label,
                plan_counts.get(k, 0),
                drawn_checks.get(k, 0),
                check_counts.get(k, (0, 0))[0],
                check_counts.get(k, (0, 0))[1],
            ],
        )
        for k, label in kinds
    ]
    checks_table = table(
        "spot_checks",
        _("Random spot checks (双随机、一公开)"),
        [
            _("Kind of check"),
            _("Plans drawn"),
            _("Checks drawn"),
            _("Checks completed"),
            _("of which with problems"),
        ],
        check_rows,
        total=[_("Total"), *column_sums((c for _k, c in check_rows), 5)[1:]],
    )
    findings_table = table(
        "findings",
        _("Problems found by completed checks"),
        [_("Kind of check"), _("Checklist item"), _("Times found")],
        [
            (f"{kind}:{item}", [dict(kinds).get(kind, kind), checklist_label(kind, item), n])
            for kind, item, n in findings
        ],
    )
    measure_rows = [
        (k, [label, measure_counts.get(k, (0, 0))[0], measure_counts.get(k, (0, 0))[1]])
        for k, label in ((str(v), str(label)) for v, label in MeasureKind.choices)
    ]
    measures_table = table(
        "measures",
        _("Measures ordered in the period"),
        [_("Measure"), _("Ordered"), _("Carried out by now")],
        measure_rows,
        total=[_("Total"), *column_sums((c for _k, c in measure_rows), 3)[1:]],
    )
    visits_table = table(
        "visits",
        _("Assistance visits (帮扶) recorded in the period"),
        [_("Figure"), _("Visits")],
        [(str(v), [str(label), visit_states.get(v, 0)]) for v, label in VisitState.choices]
        + [
            (f"topic:{v}", [_("Topic: %(topic)s") % {"topic": label}, visit_topics.get(v, 0)])
            for v, label in VisitTopic.choices
        ],
        total=[_("Total"), sum(visit_states.values())],
    )
    feedback_rows = [
        (str(v), [str(label), feedback_counts.get(v, (0, 0))[0], feedback_counts.get(v, (0, 0))[1]])
        for v, label in FeedbackTopic.choices
    ]
    feedback_table = table(
        "feedback",
        _("Feedback received in the period"),
        [_("Topic"), _("Received"), _("Answered")],
        feedback_rows,
        total=[_("Total"), *column_sums((c for _k, c in feedback_rows), 3)[1:]],
    )
    supervision_chart = chart(
        "supervision",
        _("Spot checks, measures, visits and feedback"),
        "bar",
        [
            _("Checks completed"),
            _("with problems"),
            _("Measures ordered"),
            _("Assistance visits"),
            _("Feedback received"),
        ],
        [
            (
                _("Number"),
                [
                    sum(n for n, _p in check_counts.values()),
                    sum(p for _n, p in check_counts.values()),
                    sum(n for n, _d in measure_counts.values()),
                    sum(visit_states.values()),
                    sum(n for n, _a in feedback_counts.values()),
                ],
            )
        ],
    )
    return (
        [checks_table, findings_table, measures_table, visits_table, feedback_table],
        [supervision_chart],
        [],
    )


def followup_section(period: Period) -> dict[str, Any]:
    ce_tables, ce_charts, ce_notes = _continuing_education(period)
    sv_tables, sv_charts, sv_notes = _supervision(period)
    empty = ""
    if not ce_tables and not sv_tables:
        empty = _("Neither continuing education nor supervision has been recorded for this period yet.")
    return section(
        "followup",
        5,
        _("Continuing education and supervision"),
        tables=ce_tables + sv_tables,
        charts=ce_charts + sv_charts,
        notes=ce_notes + sv_notes,
        empty=empty,
    )
