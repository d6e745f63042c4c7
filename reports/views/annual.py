"""The yearly report's workflow pages (/reports/annual/): the association opens the year's draft (figures
always current, the written part editable), previews and submits it; the bureau reads the submitted
versions, returns one with comments or acknowledges receipt. A frozen version is drawn only from what it
stored. Every other role gets 404 (reports.access). Every write is one call of reports.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role

from .. import selectors
from ..access import is_association, is_bureau, report_role_required
from ..document import draft_document, version_document
from ..exports import render_pdf, render_xlsx
from ..figures import Period, report_figures
from ..forms import AcknowledgeForm, ReturnForm, WrittenPartForm
from ..models import ReportVersion, VersionState
from ..services import (
    annual_report_open,
    report_acknowledge,
    report_return,
    report_submit,
    report_text_update,
)
from ..services_downloads import report_file_downloaded

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refused(form, error: ValidationError, *, field: str | None = None) -> None:
    """A service's refusal on the form: beside the field it names (or `field`), above the form if none."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(field, error.messages)


def _comment_field(version: ReportVersion) -> str | None:
    """Where the bureau's answer is refused: beside the comment while the version awaits an answer (the
    text was refused), above the form once it was answered (by someone else, meanwhile)."""
    return "comment" if version.state == VersionState.SUBMITTED else None


@report_role_required(Role.ASSOCIATION, Role.BUREAU)
def report_list(request):
    today = timezone.localdate()
    if is_association(request.user):
        rows, bureau_view = selectors.year_rows(today), False
    else:
        rows, bureau_view = selectors.year_rows_for_bureau(today), True
    return render(
        request, "reports/annual_list.html", {"rows": rows, "bureau_view": bureau_view, "today": today}
    )


def _draft(year: int):
    """The year's report, its row on the list, and its document with the figures computed now."""
    today = timezone.localdate()
    selectors.year_or_404(year, today)
    report = annual_report_open(year=year)
    figures = report_figures(Period.of_year(year, today=today))
    return report, selectors.year_row(year, today), draft_document(report, figures)


@report_role_required(Role.ASSOCIATION)
def draft(request, year: int):
    report, row, document = _draft(year)
    return render(
        request,
        "reports/annual_draft.html",
        {
            "report": report,
            "row": row,
            "document": document,
            "returned": row.state == selectors.YearState.RETURNED,
        },
    )


@report_role_required(Role.ASSOCIATION)
def draft_file(request, year: int, kind: str):
    """The draft as it would be submitted now, drawn on the fly (nothing stored, nothing frozen)."""
    today = timezone.localdate()
    selectors.year_or_404(year, today)
    report = annual_report_open(year=year)
    with translation.override("zh-hans"):  # the document for the bureau, as report_submit draws it
        document = draft_document(report, report_figures(Period.of_year(year, today=today)))
        if kind == "pdf":
            data, content_type = render_pdf(document), "application/pdf"
        else:
            data, content_type = render_xlsx(document), XLSX_TYPE
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.file_stem()}.{kind}"'
    return response


@report_role_required(Role.ASSOCIATION)
def edit(request, year: int):
    selectors.year_or_404(year, timezone.localdate())
    report = annual_report_open(year=year)
    initial = {name: getattr(report, name) for name in WrittenPartForm.base_fields}
    form = WrittenPartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report_text_update(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The written part is saved."))
            return redirect("annual_reports:draft", year=year)
    return render(request, "reports/annual_edit.html", {"report": report, "form": form})


@report_role_required(Role.ASSOCIATION)
def submit(request, year: int):
    today = timezone.localdate()
    selectors.year_or_404(year, today)
    report = annual_report_open(year=year)
    row = selectors.year_row(year, today)
    if request.method == "POST":
        try:
            version = report_submit(report=report, by=request.user, today=today)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Version %(number)s of the report on %(year)s is submitted to the bureau.")
                % {"number": version.number, "year": year},
            )
            return redirect("annual_reports:version", year=year, number=version.number)
    return render(request, "reports/annual_submit.html", {"report": report, "row": row})


def _version_page(request, version: ReportVersion, *, return_form=None, acknowledge_form=None):
    answerable = version.state == VersionState.SUBMITTED and is_bureau(request.user)
    context = {
        "version": version,
        "document": version_document(version),
        "answerable": answerable,
        "return_form": return_form or ReturnForm(prefix="return"),
        "acknowledge_form": acknowledge_form or AcknowledgeForm(prefix="ack"),
        "association": is_association(request.user),
    }
    return render(request, "reports/annual_version.html", context)


@report_role_required(Role.ASSOCIATION, Role.BUREAU)
def version_page(request, year: int, number: int):
    """A frozen version, drawn only from what it stored (no figure is recomputed)."""
    return _version_page(request, selectors.version_for(year, number))


@report_role_required(Role.ASSOCIATION, Role.BUREAU)
def version_file(request, year: int, number: int, kind: str):
    """A version's stored PDF or workbook, as submitted; every download is audited."""
    version = selectors.version_for(year, number)
    stored = version.pdf if kind == "pdf" else version.xlsx
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"report-{year}-v{number}.{kind}",
        content_type="application/pdf" if kind == "pdf" else XLSX_TYPE,
    )
    report_file_downloaded(version=version, kind=kind, by=request.user)
    return response


@require_POST
@report_role_required(Role.BUREAU)
def return_version(request, year: int, number: int):
    version = selectors.version_for(year, number)
    form = ReturnForm(request.POST, prefix="return")
    if form.is_valid():
        try:
            report_return(version=version, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            _refused(form, error, field=_comment_field(version))
        else:
            messages.success(request, _("The version is returned to the association with your comments."))
            return redirect("annual_reports:version", year=year, number=number)
    return _version_page(request, version, return_form=form)


@require_POST
@report_role_required(Role.BUREAU)
def acknowledge(request, year: int, number: int):
    version = selectors.version_for(year, number)
    form = AcknowledgeForm(request.POST, prefix="ack")
    if form.is_valid():
        try:
            report_acknowledge(version=version, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            _refused(form, error, field=_comment_field(version))
        else:
            messages.success(request, _("Receipt of the version is acknowledged; the association is told."))
            return redirect("annual_reports:version", year=year, number=number)
    return _version_page(request, version, acknowledge_form=form)
