"""The shape every section of the report shares, and the small rules applied to its numbers.

A section is plain JSON (it is frozen as such when a version is submitted) that the page, the PDF and the
workbook all draw the same way:

    {"key", "number", "title", "notes": [str], "tables": [table], "charts": [chart], "empty": str}

    table = {"key", "title", "columns": [str], "rows": [{"key": str, "cells": [label, value, ...]}],
             "total": [label, value, ...] | None}
    chart = {"key", "title", "type": "bar" | "stacked" | "hbar" | "line" | "pie", "categories": [str],
             "series": [{"name": str, "data": [number]}], "unit": str}

A value is an int, a float (a rate in per cent or a number of working days, one decimal), None (no value:
printed as "—"), or the string SMALL ("<3") where a count of people in a prefecture is too small to show.
`empty` is the plain sentence a section shows when its data does not exist yet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

SMALL = "<3"
SMALL_LIMIT = 3  # a count of people below this (and above 0) in a prefecture is not shown


@dataclass(frozen=True)
class Period:
    """The days reported on, both included. `as_of` is the last day the data can speak for: the end of the
    period, or today while the period is still running."""

    start: dt.date
    end: dt.date
    as_of: dt.date
    year: int | None = None

    @classmethod
    def of_year(cls, year: int, *, today: dt.date) -> Period:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return cls(start=start, end=end, as_of=min(end, today), year=year)

    @classmethod
    def between(cls, start: dt.date, end: dt.date, *, today: dt.date) -> Period:
        if end < start:
            raise ValueError("the period ends before it starts")
        year = (
            start.year if (start, end) == (dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)) else None
        )
        return cls(start=start, end=end, as_of=min(end, today), year=year)

    @property
    def range(self) -> tuple[dt.date, dt.date]:
        return self.start, self.end

    def months(self) -> list[dt.date]:
        """The first day of each month the period touches, in order."""
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(day)
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return out

    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def label(self) -> str:
        if self.year is not None:
            return _("Year %(year)s") % {"year": self.year}
        return _("%(start)s to %(end)s") % {"start": self.start.isoformat(), "end": self.end.isoformat()}


def month_label(month: dt.date, *, with_year: bool) -> str:
    if with_year:
        return f"{month.year}-{month.month:02d}"
    return _month_names()[month.month - 1]


def _month_names() -> list[str]:
    return [
        _("January"),
        _("February"),
        _("March"),
        _("April"),
        _("May"),
        _("June"),
        _("July"),
        _("August"),
        _("September"),
        _("October"),
        _("November"),
        _("December"),
    ]


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in per cent, one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


def nearest_rank(histogram: Mapping[int, int], p: float) -> int | None:
    """The p-th percentile (0 < p ≤ 1) of values given as {value: how many}, by the nearest-rank method:
    the smallest value at or below which at least ⌈p·N⌉ of the N values lie. None for no values."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(p * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")


def suppress_small(rows: list[list[Any]], columns: Sequence[int]) -> None:
    """In a table of people counted by prefecture, replace each count of 1 or 2 in `columns` by SMALL, in
    place; then, where a column has exactly one such cell, hide the smallest other non-zero count of the
    column too, so that the column's total cannot give the hidden one away (complementary suppression)."""
    for index in columns:
        hidden = []
        for row in rows:
            value = row[index]
            if isinstance(value, int) and 0 < value < SMALL_LIMIT:
                row[index] = SMALL
                hidden.append(row)
        if len(hidden) == 1:
            shown = [row for row in rows if isinstance(row[index], int) and row[index] > 0]
            if shown:
                min(shown, key=lambda row: row[index])[index] = SMALL


def _plain(value: Any) -> Any:
    """A cell as JSON: a lazy translation becomes its text in the active language."""
    return str(value) if isinstance(value, Promise) else value


def table(
    key: str,
    title: str,
    columns: Sequence[str],
    rows: Iterable[tuple[str, Sequence[Any]]],
    *,
    total: Sequence[Any] | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "title": str(title),
        "columns": [str(c) for c in columns],
        "rows": [{"key": str(k), "cells": [_plain(v) for v in cells]} for k, cells in rows],
        "total": [_plain(v) for v in total] if total is not None else None,
    }


def chart(
    key: str,
    title: str,
    kind: str,
    categories: Sequence[Any],
    series: Iterable[tuple[Any, Sequence[Any]]],
    *,
    unit: str = "",
) -> dict[str, Any]:
    return {
        "key": key,
        "title": str(title),
        "type": kind,
        "categories": [str(c) for c in categories],
        # A chart draws numbers only: a hidden small count draws as 0, a missing value as a gap.
        "series": [
            {"name": str(name), "data": [v if isinstance(v, (int, float)) else None for v in data]}
            for name, data in series
        ],
        "unit": unit,
    }


def section(
    key: str,
    number: int,
    title: str,
    *,
    tables: list[dict[str, Any]] | None = None,
    charts: list[dict[str, Any]] | None = None,
    notes: list[str] | None = None,
    empty: str = "",
) -> dict[str, Any]:
    return {
        "key": key,
        "number": number,
        "title": str(title),
        "notes": [str(n) for n in notes or ()],
        "tables": tables or [],
        "charts": charts or [],
        "empty": str(empty),
    }


def column_sums(rows: Iterable[Sequence[Any]], width: int) -> list[int]:
    sums = [0] * width
    for cells in rows:
        for i, value in enumerate(cells):
            if isinstance(value, int):
                sums[i] += value
    return sums


def by_level(
    key: str,
    title: str,
    chart_title: str,
    first_column: str,
    levels: Sequence[tuple[int, str]],
    rows: Sequence[tuple[str, str]],
    counts: Mapping[int, Sequence[int]],
    *,
    not_charted: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A table of counts by level — one row per (key, label), the i-th count of `counts[level]`, and a
    total column — and its bar chart (leaving out the rows in `not_charted`, e.g. an "of which" row)."""
    table_rows = []
    for i, (row_key, label) in enumerate(rows):
        values = [counts.get(level, (0,) * len(rows))[i] for level, _name in levels]
        table_rows.append((row_key, [label, *values, sum(values)]))
    charted = [(row_key, cells) for row_key, cells in table_rows if row_key not in not_charted]
    return (
        table(key, title, [first_column, *(name for _l, name in levels), _("Total")], table_rows),
        chart(
            key,
            chart_title,
            "bar",
            [cells[0] for _k, cells in charted],
            [(name, [cells[1 + i] for _k, cells in charted]) for i, (_l, name) in enumerate(levels)],
        ),
    )
