"""What the yearly report's pages read: the years the association reports on with each year's state, and
one frozen version. Reads only; every write is in reports.services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404

from .models import AnnualReport, ReportVersion, VersionState


class YearState:
    """Where a year's report stands, as the list shows it (the newest version decides)."""

    DRAFT = "draft"  # nothing submitted yet
    SUBMITTED = "submitted"  # the newest version awaits the bureau
    RETURNED = "returned"  # the bureau sent the newest version back
    ACKNOWLEDGED = "acknowledged"  # the bureau acknowledged receipt of the newest version


@dataclass
class YearRow:
    year: int
    due_on: dt.date
    versions: list[ReportVersion] = field(default_factory=list)  # newest first
    today: dt.date = dt.date.min

    @property
    def latest(self) -> ReportVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def state(self) -> str:
        latest = self.latest
        if latest is None:
            return YearState.DRAFT
        if latest.state == VersionState.RETURNED:
            return YearState.RETURNED
        if latest.state == VersionState.ACKNOWLEDGED:
            return YearState.ACKNOWLEDGED
        return YearState.SUBMITTED

    @property
    def standing(self) -> bool:
        """A version counts as submitted: one awaiting the bureau or acknowledged (as reports.reminders)."""
        return any(v.state in (VersionState.SUBMITTED, VersionState.ACKNOWLEDGED) for v in self.versions)

    @property
    def overdue(self) -> bool:
        """Past the due date with nothing submitted standing (never submitted, or returned and not resent)."""
        return self.today > self.due_on and not self.standing

    @property
    def submitted_late(self) -> bool:
        """The first version reached the bureau after the due date."""
        return bool(self.versions) and not self.versions[-1].on_time

    @property
    def year_over(self) -> bool:
        return self.today.year > self.year


def first_year() -> int:
    return settings.REGISTRY_PILOT_START.year


def reporting_years(today: dt.date) -> list[int]:
    """Every year the association reports on so far: from the pilot's first year to the current one."""
    return list(range(first_year(), max(first_year(), today.year) + 1))


def year_or_404(year: int, today: dt.date) -> int:
    if year not in reporting_years(today):
        raise Http404
    return year


def _versions() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=ReportVersion.objects.select_related("submitted_by", "answered_by").order_by("-number"),
    )


def year_rows(today: dt.date) -> list[YearRow]:
    """One row per reporting year, newest first, with its versions (two queries whatever the years)."""
    reports = {
        r.year: r
        for r in AnnualReport.objects.filter(year__in=reporting_years(today)).prefetch_related(_versions())
    }
    rows = []
    for year in reversed(reporting_years(today)):
        report = reports.get(year)
        versions = list(report.versions.all()) if report else []
        rows.append(YearRow(year=year, due_on=AnnualReport(year=year).due_on, versions=versions, today=today))
    return rows


def year_rows_for_bureau(today: dt.date) -> list[YearRow]:
    """The bureau sees years with a submitted version, and years whose report is overdue (flagged)."""
    return [row for row in year_rows(today) if row.versions or row.overdue]


def year_row(year: int, today: dt.date) -> YearRow:
    rows = [row for row in year_rows(today) if row.year == year]
    if not rows:
        raise Http404
    return rows[0]


def version_for(year: int, number: int) -> ReportVersion:
    """One frozen version with who submitted and answered it, in one query; 404 if there is none."""
    try:
        return ReportVersion.objects.select_related("report", "submitted_by", "answered_by").get(
            report__year=year, number=number
        )
    except ReportVersion.DoesNotExist:
        raise Http404 from None
