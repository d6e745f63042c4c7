"""The bureau's dashboard (/reports/) and the report on any period (/reports/period/): association staff and
the bureau only (404 for every other role). Aggregates only: no names, no identity numbers."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from people import selectors as people_selectors
from reports.access import report_role_required
from reports.document import ReportDocument
from reports.exports import render_pdf, render_xlsx
from reports.figures import Period, report_figures
from reports.figures.dashboard import dashboard_figures

MAX_YEARS = 6  # a longer period is refused: no one reads it, and it is the most expensive to compute
EARLIEST = dt.date(2000, 1, 1)

readers = report_role_required(Role.ASSOCIATION, Role.BUREAU)


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("First day"), input_formats=["%Y-%m-%d"])
    end = forms.DateField(label=gettext_lazy("Last day"), input_formats=["%Y-%m-%d"])

    error_messages = {"invalid": gettext_lazy("Enter a date as YYYY-MM-DD, for example 2025-01-01.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["invalid"] = self.error_messages["invalid"]
            field.error_messages["required"] = gettext_lazy("Enter the first and the last day.")
            field.widget.input_type = "date"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            return data
        if start < EARLIEST or end < EARLIEST:
            raise forms.ValidationError(_("The registry has no data before %(day)s.") % {"day": EARLIEST})
        if end < start:
            raise forms.ValidationError(_("The last day is before the first day."))
        if (end - start).days > MAX_YEARS * 366:
            raise forms.ValidationError(
                _("Choose a period of at most %(years)s years.") % {"years": MAX_YEARS}
            )
        return data

    def period(self, today: dt.date) -> Period:
        return Period.between(self.cleaned_data["start"], self.cleaned_data["end"], today=today)


def _default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The pilot window, or the current year when today is outside it."""
    start, end = settings.REGISTRY_PILOT_START, settings.REGISTRY_PILOT_END
    if start <= today <= end:
        return start, end
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _annual_url() -> str:
    return reverse("annual_reports:list")


@readers
def dashboard(request):
    today = timezone.localdate()
    figures = dashboard_figures(today)
    rows = people_selectors.employer_counts_by_prefecture()
    totals = {
        key: sum(row[key] for row in rows) for key in ("total", "active", "pending", "suspended", "refused")
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "figures": figures,
            "employer_rows": rows,
            "employer_totals": totals,
            "annual_url": _annual_url(),
        },
    )


def _bound_form(request) -> PeriodForm:
    query = request.GET
    if "start" in query or "end" in query:
        return PeriodForm({"start": query.get("start", "")[:20], "end": query.get("end", "")[:20]})
    start, end = _default_range(timezone.localdate())
    return PeriodForm({"start": start.isoformat(), "end": end.isoformat()})


@readers
def period(request):
    form = _bound_form(request)
    figures = report_figures(form.period(timezone.localdate())) if form.is_valid() else None
    return render(
        request,
        "reports/period.html",
        {"form": form, "figures": figures, "annual_url": _annual_url(), "query": request.GET.urlencode()},
        status=200,
    )


def _document(request) -> ReportDocument | None:
    form = _bound_form(request)
    if not form.is_valid():
        return None
    figures = report_figures(form.period(timezone.localdate()))
    return ReportDocument(figures=figures, work_done="", problems="", suggestions="")


def _download(document: ReportDocument, content: bytes, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.file_stem()}.{extension}"'
    return response


def _chosen(request) -> bool:
    return "start" in request.GET and "end" in request.GET


@readers
def period_pdf(request):
    if not _chosen(request):  # a download names its period; without one, the form
        return redirect("reports:period")
    document = _document(request)
    if document is None:
        return period(request)
    return _download(document, render_pdf(document), "pdf", "application/pdf")


@readers
def period_xlsx(request):
    if not _chosen(request):
        return redirect("reports:period")
    document = _document(request)
    if document is None:
        return period(request)
    return _download(
        document,
        render_xlsx(document),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
