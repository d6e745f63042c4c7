"""The association's yearly report to the provincial bureau (年度注册工作情况报告), and its versions.

The pilot plan asks the association to report the year's registration work before 10 January of the next
year. `AnnualReport` is the year's draft: its figures are always computed from the live data
(reports.figures), its written part is edited by the association. Submitting freezes a `ReportVersion`:
the figures as JSON, the PDF and the XLSX as files with their SHA-256, who and when. A version is never
changed afterwards except for the bureau's answer (returned with comments, or acknowledged); a correction
is a new version, and every version stays readable (docs/decisions/0099-yearly-report.md).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import text

DUE_MONTH, DUE_DAY = 1, 10  # the report on year Y is due by 10 January of Y + 1


class AnnualReport(models.Model):
    """One year's report: the written part the association edits, and the versions it submitted."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    work_done = models.TextField(_("work done"), blank=True, validators=[text.multi_line])
    problems = models.TextField(_("problems met"), blank=True, validators=[text.multi_line])
    suggestions = models.TextField(_("suggestions"), blank=True, validators=[text.multi_line])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("text last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("text last edited at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("Report on %(year)s") % {"year": self.year}

    @property
    def due_on(self) -> dt.date:
        """The last day to submit: 10 January of the next year (于次年1月10日前上报)."""
        return dt.date(self.year + 1, DUE_MONTH, DUE_DAY)


class VersionState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting the bureau")
    RETURNED = "returned", _("Returned by the bureau")
    ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
    SUPERSEDED = "superseded", _("Replaced by a later version")


def report_file_path(instance: "ReportVersion", filename: str) -> str:
    """Under private storage (no URL serves it): one name per version and format."""
    return f"reports/{instance.report.year}/v{instance.number}/{filename}"


class ReportVersion(models.Model):
    """A submitted, frozen version of a year's report. Its figures, text and files never change."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=20, choices=VersionState.choices, default=VersionState.SUBMITTED
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    figures = models.JSONField(_("figures as submitted"))
    work_done = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_file_path, max_length=200)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    xlsx = models.FileField(_("XLSX workbook"), upload_to=report_file_path, max_length=200)
    xlsx_sha256 = models.CharField(_("SHA-256 of the workbook"), max_length=64)
    # The checksum printed on the cover: of the figures and the text as frozen (the files carry it, so it
    # cannot be of the files themselves).
    checksum = models.CharField(_("checksum of the figures and text"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    bureau_comment = models.TextField(_("the bureau's comments"), blank=True, validators=[text.multi_line])

    class Meta:
        verbose_name = _("submitted report version")
        verbose_name_plural = _("submitted report versions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_number_uniq"),
        ]

    def __str__(self) -> str:
        return _("Report on %(year)s, version %(number)s") % {"year": self.report.year, "number": self.number}

    @property
    def on_time(self) -> bool:
        return self.submitted_at.date() <= self.report.due_on


class ReportReminder(models.Model):
    """A reminder about a year's report, sent once: to the association before the due date while nothing
    is submitted, or to the bureau after it (reports.reminders)."""

    class Audience(models.TextChoices):
        ASSOCIATION = "association", _("Metrology association")
        BUREAU = "bureau", _("Market supervision bureau")

    year = models.PositiveSmallIntegerField(_("year reported on"))
    reminder_date = models.DateField(_("reminder date"))
    audience = models.CharField(_("sent to"), max_length=20, choices=Audience.choices)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        ordering = ["-reminder_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "reminder_date", "audience"], name="report_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.reminder_date} {self.audience}"
