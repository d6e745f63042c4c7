"""The figures of the yearly report (sections 1 to 5), computed from the live data by grouped queries.

`report_figures(period)` returns plain JSON (reports.figures.common describes its shape): what the draft
page shows, and what a submitted version freezes. The number of queries does not grow with the data
(tests/reports/test_figures_queries.py), and docs/performance.md has the figure at 1,000,000 applications.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .applications import application_pass, applications_section, deadlines_section
from .assessments import assessments_section
from .certificates import certificates_section
from .common import Period
from .followup import followup_section

SCHEMA = 1
# PostgreSQL's default 4 MB of sort memory makes the distinct count of certificates per category spill
# to disk at a million applications; the report's own transaction sorts in memory instead.
REPORT_WORK_MEM = "64MB"

__all__ = ["SCHEMA", "Period", "report_figures"]


def report_figures(period: Period) -> dict[str, Any]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = %s", [REPORT_WORK_MEM])
        return _figures(period)


def _figures(period: Period) -> dict[str, Any]:
    counts = application_pass(period)  # read once, for sections 1 and 3
    return {
        "schema": SCHEMA,
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "as_of": period.as_of.isoformat(),
            "year": period.year,
            "label": period.label(),
        },
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "sections": [
            applications_section(period, counts),
            deadlines_section(period),
            certificates_section(period, counts),
            assessments_section(period),
            followup_section(period),
        ],
    }
