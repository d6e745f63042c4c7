"""A report as the exports and pages draw it: the figures, the written part, and who submitted which
version. Built from the live draft (`draft_document`) or from a frozen version (`version_document`), so the
PDF, the workbook and the page never need to know which; a frozen version is drawn from what it stored,
never recomputed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import AnnualReport, ReportVersion

ISSUER = "黑龙江省计量协会"  # the association that reports; the name on the cover, whatever the language
RECIPIENT = "黑龙江省市场监督管理局"


@dataclass(frozen=True)
class ReportDocument:
    figures: dict[str, Any]
    work_done: str
    problems: str
    suggestions: str
    version: int | None = None  # None: a draft or a report on a chosen period, not submitted
    submitted_by: str = ""
    submitted_at: dt.datetime | None = None

    @property
    def period(self) -> dict[str, Any]:
        return self.figures["period"]

    @property
    def sections(self) -> list[dict[str, Any]]:
        return self.figures["sections"]

    @property
    def title(self) -> str:
        year = self.period.get("year")
        if year:
            return _(
                "Registration of enterprise registered metrologists in Heilongjiang: report on %(year)s"
            ) % {"year": year}
        return _(
            "Registration of enterprise registered metrologists in Heilongjiang: report on %(period)s"
        ) % {"period": self.period["label"]}

    @property
    def checksum(self) -> str:
        return content_checksum(
            self.figures, work_done=self.work_done, problems=self.problems, suggestions=self.suggestions
        )

    def written_part(self) -> list[tuple[str, str]]:
        """Section 6: (heading, text) in order; a part left empty says so."""
        nothing = _("(Not written.)")
        return [
            (_("Work done"), self.work_done or nothing),
            (_("Problems met"), self.problems or nothing),
            (_("Suggestions"), self.suggestions or nothing),
        ]

    def file_stem(self) -> str:
        """The base of the downloaded files' names, ASCII: report-2025-v2, report-2025-draft."""
        year = self.period.get("year")
        stem = f"report-{year}" if year else f"report-{self.period['start']}-{self.period['end']}"
        return f"{stem}-v{self.version}" if self.version else f"{stem}-draft"


def content_checksum(figures: dict[str, Any], *, work_done: str, problems: str, suggestions: str) -> str:
    """SHA-256 of the figures and the text in a canonical JSON form (sorted keys, no spaces): the same
    content gives the same checksum whatever the database did to the order of a JSON object's keys."""
    content = {"figures": figures, "work_done": work_done, "problems": problems, "suggestions": suggestions}
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def draft_document(report: AnnualReport, figures: dict[str, Any]) -> ReportDocument:
    return ReportDocument(
        figures=figures, work_done=report.work_done, problems=report.problems, suggestions=report.suggestions
    )


def version_document(version: ReportVersion) -> ReportDocument:
    by = version.submitted_by
    return ReportDocument(
        figures=version.figures,
        work_done=version.work_done,
        problems=version.problems,
        suggestions=version.suggestions,
        version=version.number,
        submitted_by=by.get_full_name() or by.get_username(),
        submitted_at=version.submitted_at,
    )
