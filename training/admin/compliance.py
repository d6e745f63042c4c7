"""The yearly compliance list for association staff, and its export (XLSX, formula-safe, audited).

A page of the participations admin (`admin:training_compliance`), linked from the training app's index
and the participations list: every holder registered during the year, with the hours required (pro rata
by the days registered), confirmed (in all and professional), awaiting confirmation, and what is still
short. Filters: year (this year by default), employer (credit code), prefecture, "short only". The rows
are `training.selectors.yearly_compliance` (two queries whatever the size) plus one query for the page's
masked ID numbers and, with an employer filter, one for the employer: the same count for 3 rows or 3,000.
"""

import tablib
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from common.sheet_formats import SafeXLSX
from people.models import Employer, Person
from people.models.choices import Prefecture
from training.downloads import compliance_exported
from training.selectors import YearCompliance, yearly_compliance
from training.templatetags.training_hours import hours

from .forms import ComplianceFilterForm

PER_PAGE = 50


def shortfall_text(row: YearCompliance) -> str:
    """“还差 X 学时，其中专业科目至少 Y 学时”, or "" when the year complies."""
    short = row.shortfall
    if not short:
        return ""
    if short.professional:
        return _("%(hours)s more hours needed, of which at least %(professional)s professional") % {
            "hours": hours(short.hours),
            "professional": hours(short.professional),
        }
    return _("%(hours)s more hours needed") % {"hours": hours(short.hours)}


def prefecture_label(value: str) -> str:
    return str(dict(Prefecture.choices).get(value, value))


class ComplianceViewsMixin:
    """For the participations ModelAdmin: the compliance list and its export."""

    def compliance_urls(self):
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("compliance/", view(self.compliance_view), name="training_compliance"),
            path("compliance/export/", view(self.compliance_export_view), name="training_compliance_export"),
        ]

    def has_compliance_permission(self, request: HttpRequest) -> bool:
        """Association staff (who decide the entries) see every holder's hours; no other role does."""
        return request.user.has_perm("training.change_participation")

    def compliance_rows(self, filters: dict) -> tuple[list[YearCompliance], bool]:
        """(rows, whether the employer code named an employer on record)."""
        employer = None
        if filters["employer"]:
            employer = Employer.objects.filter(uscc=filters["employer"]).first()
            if employer is None:
                return [], False
        rows = yearly_compliance(years=[filters["year"]], employer=employer, prefecture=filters["prefecture"])
        if filters["short"]:
            rows = [r for r in rows if not r.complies]
        return rows, True

    def compliance_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_compliance_permission(request):
            raise PermissionDenied
        form = ComplianceFilterForm(request.GET or None)
        filters = form.filters() if request.GET else ComplianceFilterForm({}).filters()
        rows, employer_known = self.compliance_rows(filters)
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("p"))
        masked = {
            p.pk: p.masked_id_number
            for p in Person.objects.filter(pk__in=[r.person_id for r in page]).only("pk", "id_number")
        }
        query = request.GET.copy()
        query.pop("p", None)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": self.opts,  # type: ignore[attr-defined]
            "title": _("Yearly continuing-education compliance"),
            "form": form if request.GET else ComplianceFilterForm(initial={"year": filters["year"]}),
            "filters": filters,
            "employer_known": employer_known,
            "page": page,
            "rows": [
                (r, masked.get(r.person_id, ""), prefecture_label(r.prefecture), shortfall_text(r))
                for r in page
            ],
            "total": len(rows),
            "short_count": sum(1 for r in rows if not r.complies),
            "query": query.urlencode(),
        }
        return TemplateResponse(request, "admin/training/compliance.html", context)

    def compliance_export_view(self, request: HttpRequest) -> HttpResponse:
        """The filtered list as an .xlsx: text cells never formulas (common.sheet_formats.SafeXLSX), ID
        numbers masked, and the export recorded (who, how many rows, which filters)."""
        if not self.has_compliance_permission(request):
            raise PermissionDenied
        filters = ComplianceFilterForm(request.GET).filters()
        rows, _known = self.compliance_rows(filters)
        masked = {
            p.pk: p.masked_id_number
            for p in Person.objects.filter(pk__in=[r.person_id for r in rows]).only("pk", "id_number")
        }
        dataset = tablib.Dataset(
            headers=[
                _("year"),
                _("Name"),
                _("resident ID number"),
                _("employer"),
                _("prefecture"),
                _("days registered"),
                _("hours required"),
                _("confirmed hours"),
                _("professional hours"),
                _("hours awaiting confirmation"),
                _("complies"),
                _("shortfall"),
            ]
        )
        for r in rows:
            dataset.append(
                [
                    r.year,
                    r.person_name,
                    masked.get(r.person_id, ""),
                    r.employer_name,
                    prefecture_label(r.prefecture),
                    r.covered_days,
                    r.required,
                    r.total,
                    r.professional,
                    r.pending,
                    _("yes") if r.complies else _("no"),
                    shortfall_text(r),
                ]
            )
        content = SafeXLSX().export_data(dataset)
        compliance_exported(by=request.user, rows=len(rows), filters=filters)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="continuing-education-compliance-{filters["year"]}.xlsx"'
        )
        return response
