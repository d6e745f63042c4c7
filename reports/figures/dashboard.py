"""The bureau's dashboard: this year to date beside the previous year's same span, month by month.

Three sections in the report's shape (reports.figures.common): applications received and certificates
issued; the working-day deadlines (on time by stage and month, and what is open and overdue today, the
latter from the yearly report's own `deadlines_section`); certificates in force today and a year ago.
Grouped queries only: the number of queries does not depend on the data
(tests/reports/test_dashboard_and_period.py), and the Python work grows with the distinct pairs of dates,
not with the applications.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from registry import deadlines
from registry.models import Application, RegistrationCertificate
from registry.workflow import ApplicationState
from workdays.working_days import current_calendar

from .applications import _levels, deadlines_section
from .certificates import in_force_on
from .common import Period, chart, month_label, percent, section, table

S = ApplicationState


def same_day_a_year_before(day: dt.date) -> dt.date:
    """The same day of the previous year; 29 February gives 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def dashboard_periods(today: dt.date) -> tuple[Period, Period]:
    """This year to date, and the previous year from 1 January to the same day."""
    this = Period.between(dt.date(today.year, 1, 1), today, today=today)
    before = same_day_a_year_before(today)
    last = Period.between(dt.date(before.year, 1, 1), before, today=today)
    return this, last


def _month(value: dt.date | dt.datetime) -> dt.date:
    value = value.date() if isinstance(value, dt.datetime) else value
    return value.replace(day=1)


def _monthly(queryset, field: str, this: Period, last: Period) -> Counter[dt.date]:
    counts: Counter[dt.date] = Counter()
    spans = Q(**{f"{field}__range": this.range}) | Q(**{f"{field}__range": last.range})
    for month, n in (
        queryset.filter(spans)
        .annotate(m=TruncMonth(field))
        .values_list("m")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[_month(month)] += n
    return counts


def _activity(this: Period, last: Period) -> dict[str, Any]:
    received = _monthly(Application.objects, "received_on", this, last)
    issued = _monthly(RegistrationCertificate.objects, "issued_on", this, last)
    months = this.months()
    labels = [month_label(m, with_year=False) for m in months]
    earlier = [m.replace(year=last.start.year) for m in months]
    rows = [
        (
            m.isoformat(),
            [label, received[m], received[e], issued[m], issued[e]],
        )
        for m, e, label in zip(months, earlier, labels, strict=True)
    ]
    this_year, last_year = str(this.start.year), str(last.start.year)
    return section(
        "activity",
        1,
        _("Applications received and certificates issued"),
        tables=[
            table(
                "activity_by_month",
                _("Applications received and certificates issued, by month"),
                [
                    _("Month"),
                    _("Received in %(year)s") % {"year": this_year},
                    _("Received in %(year)s") % {"year": last_year},
                    _("Issued in %(year)s") % {"year": this_year},
                    _("Issued in %(year)s") % {"year": last_year},
                ],
                rows,
                total=[
                    _("Total"),
                    sum(received[m] for m in months),
                    sum(received[e] for e in earlier),
                    sum(issued[m] for m in months),
                    sum(issued[e] for e in earlier),
                ],
            )
        ],
        charts=[
            chart(
                "received_by_month",
                _("Applications received each month"),
                "line",
                labels,
                [(this_year, [received[m] for m in months]), (last_year, [received[e] for e in earlier])],
            ),
            chart(
                "issued_by_month",
                _("Certificates issued each month"),
                "bar",
                labels,
                [(this_year, [issued[m] for m in months]), (last_year, [issued[e] for e in earlier])],
            ),
        ],
        notes=[
            _("%(this)s to date beside %(last)s over the same days (1 January to %(day)s).")
            % {"this": this_year, "last": last_year, "day": last.end.isoformat()[5:]}
        ],
    )


def _decisions_by_month(this: Period, last: Period) -> dict[str, tuple[Counter, Counter]]:
    """For each stage, (decided, on time) by the month of the decision, in either span. The same
    definitions as the yearly report's section 2 (a deemed acceptance is decided and late)."""
    calendar = current_calendar()

    def spans(field: str) -> Q:
        return Q(**{f"{field}__range": this.range}) | Q(**{f"{field}__range": last.range})

    apps = Application.objects
    stages = {
        "acceptance": (
            deadlines.ACCEPTANCE_WORKING_DAYS,
            [
                (apps.filter(spans("accepted_on"), deemed_accepted=False), "received_on", "accepted_on"),
                (apps.filter(spans("closed_on"), state=S.NOT_ACCEPTED), "received_on", "closed_on"),
            ],
        ),
        "approval": (
            deadlines.APPROVAL_WORKING_DAYS,
            [
                (apps.filter(spans("approved_on")), "received_on", "approved_on"),
                (apps.filter(spans("closed_on"), state=S.DENIED), "received_on", "closed_on"),
            ],
        ),
        "issuance": (
            deadlines.ISSUANCE_WORKING_DAYS,
            [(apps.filter(spans("issued_on")), "approved_on", "issued_on")],
        ),
    }
    out = {}
    for key, (limit, sources) in stages.items():
        decided: Counter[dt.date] = Counter()
        on_time: Counter[dt.date] = Counter()
        for queryset, start, end in sources:
            for first, last_day, n in queryset.values_list(start, end).annotate(n=Count("id")).order_by():
                month = _month(last_day)
                decided[month] += n
                if calendar.working_days_between(first, last_day) <= limit:
                    on_time[month] += n
        out[key] = (decided, on_time)
    acceptance_decided = out["acceptance"][0]
    for month, n in (
        apps.filter(spans("accepted_on"), deemed_accepted=True)
        .annotate(m=TruncMonth("accepted_on"))
        .values_list("m")
        .annotate(n=Count("id"))
        .order_by()
    ):
        acceptance_decided[_month(month)] += n
    return out


def _deadlines(this: Period, last: Period) -> dict[str, Any]:
    by_month = _decisions_by_month(this, last)
    now = {row["key"]: row["cells"] for row in deadlines_section(this)["tables"][0]["rows"]}
    labels = {
        "acceptance": _("Acceptance (5 working days)"),
        "approval": _("Approval (10 working days)"),
        "issuance": _("Issue (5 working days)"),
    }
    months = this.months()
    earlier = [m.replace(year=last.start.year) for m in months]
    this_year, last_year = str(this.start.year), str(last.start.year)

    def rate(key: str, span: list[dt.date]) -> float | None:
        decided, on_time = by_month[key]
        return percent(sum(on_time[m] for m in span), sum(decided[m] for m in span))

    stage_rows = [
        (
            key,
            [
                label,
                sum(by_month[key][0][m] for m in months),
                rate(key, months),
                sum(by_month[key][0][e] for e in earlier),
                rate(key, earlier),
                now[key][7],
                now[key][8],
            ],
        )
        for key, label in labels.items()
    ]
    month_rows = [
        (
            m.isoformat(),
            [
                month_label(m, with_year=False),
                *(
                    value
                    for key in labels
                    for value in (
                        percent(by_month[key][1][m], by_month[key][0][m]),
                        percent(by_month[key][1][e], by_month[key][0][e]),
                    )
                ),
            ],
        )
        for m, e in zip(months, earlier, strict=True)
    ]
    return section(
        "on_time",
        2,
        _("Working-day deadlines"),
        tables=[
            table(
                "stages_to_date",
                _("Decisions on time, by stage, to date"),
                [
                    _("Stage"),
                    _("Decided in %(year)s") % {"year": this_year},
                    _("On time in %(year)s (%%)") % {"year": this_year},
                    _("Decided in %(year)s") % {"year": last_year},
                    _("On time in %(year)s (%%)") % {"year": last_year},
                    _("Open today"),
                    _("of which overdue"),
                ],
                stage_rows,
            ),
            table(
                "on_time_by_month",
                _("Decisions on time by month (%)"),
                [
                    _("Month"),
                    *(
                        _("%(stage)s, %(year)s") % {"stage": label, "year": year}
                        for label in labels.values()
                        for year in (this_year, last_year)
                    ),
                ],
                month_rows,
            ),
        ],
        charts=[
            chart(
                "on_time_to_date",
                _("Decisions on time to date"),
                "bar",
                [cells[0] for _k, cells in stage_rows],
                [
                    (this_year, [cells[2] for _k, cells in stage_rows]),
                    (last_year, [cells[4] for _k, cells in stage_rows]),
                ],
                unit="%",
            ),
            chart(
                "on_time_by_month",
                _("Decisions on time each month in %(year)s") % {"year": this_year},
                "line",
                [cells[0] for _k, cells in month_rows],
                [
                    (label, [cells[1 + 2 * i] for _k, cells in month_rows])
                    for i, label in enumerate(labels.values())
                ],
                unit="%",
            ),
        ],
        notes=[
            _(
                "A deemed acceptance is a missed deadline: it counts among the decisions and not on time. "
                "A month without decisions shows —."
            ),
            _("Open and overdue are counted on %(day)s.") % {"day": this.as_of.isoformat()},
        ],
    )


def _in_force(this: Period, last: Period) -> dict[str, Any]:
    today, before = this.as_of, last.end
    counted = {
        level: (now, then)
        for level, now, then in RegistrationCertificate.objects.filter(
            in_force_on(today) | in_force_on(before)
        )
        .values_list("level")
        .annotate(now=Count("id", filter=in_force_on(today)), then=Count("id", filter=in_force_on(before)))
        .order_by()
    }
    rows = []
    for level, label in _levels():
        now, then = counted.get(level, (0, 0))
        rows.append((str(level), [label, now, then, now - then]))
    totals = [sum(cells[i] for _k, cells in rows) for i in (1, 2, 3)]
    return section(
        "in_force",
        3,
        _("Certificates in force"),
        tables=[
            table(
                "in_force_by_level",
                _("Certificates in force, by level"),
                [_("Level"), today.isoformat(), before.isoformat(), _("Increase or decrease")],
                rows,
                total=[_("Total"), *totals],
            )
        ],
        charts=[
            chart(
                "in_force_by_level",
                _("Certificates in force, by level"),
                "bar",
                [cells[0] for _k, cells in rows],
                [
                    (today.isoformat(), [c[1] for _k, c in rows]),
                    (before.isoformat(), [c[2] for _k, c in rows]),
                ],
            )
        ],
    )


def dashboard_figures(today: dt.date) -> dict[str, Any]:
    this, last = dashboard_periods(today)
    return {
        "today": today.isoformat(),
        "this": {"start": this.start.isoformat(), "end": this.end.isoformat()},
        "last": {"start": last.start.isoformat(), "end": last.end.isoformat()},
        "sections": [_activity(this, last), _deadlines(this, last), _in_force(this, last)],
    }
