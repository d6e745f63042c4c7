"""Admin of the working-day calendar: days, years (with a twelve-month year view) and the change log.

Every write goes through workdays.services, so that it is logged and open deadlines are
recomputed; the admin only checks permissions and calls it.
"""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from workdays import selectors
from workdays.models import CalendarChange, CalendarDay, CalendarYear
from workdays.services import calendar_day_delete, calendar_day_set, calendar_year_set_status

# The years the year view shows; the working-day API answers beyond them too.
YEAR_VIEW_RANGE = range(2000, 2100)
WEEKDAY_HEADERS = (_("Mo"), _("Tu"), _("We"), _("Th"), _("Fr"), _("Sa"), _("Su"))


def year_view_url(year: int) -> str:
    return reverse("admin:workdays_calendaryear_calendar", args=[year])


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in CalendarYear.objects.values_list("year", flat=True)]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if not (len(value) == 4 and value.isascii() and value.isdigit() and value != "0000"):
            return queryset  # not a year a date can hold (isdigit() alone admits "²" and 5,000 digits)
        year = int(value)
        return queryset.filter(day__gte=dt.date(year, 1, 1), day__lte=dt.date(year, 12, 31))


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True  # workdays.services records every change
    list_display = ("day", "weekday", "kind", "note", "edited_by_staff", "updated_by", "updated_at")
    list_filter = (YearListFilter, "kind", "edited_by_staff")
    list_select_related = ("updated_by",)
    search_fields = ("note",)
    date_hierarchy = "day"
    fields = ("day", "kind", "note", "edited_by_staff", "updated_by", "updated_at")
    readonly_fields = ("edited_by_staff", "updated_by", "updated_at")
    list_per_page = 100

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.day, "l")

    def get_readonly_fields(self, request, obj=None):
        # A row is one day: moving it to another date would hide two status changes in one edit.
        return ("day", *self.readonly_fields) if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = calendar_day_set(day=obj.day, kind=obj.kind, note=obj.note, by=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar_day_delete(day=obj.day, by=request.user)

    def delete_queryset(self, request, queryset):
        for day in queryset.values_list("day", flat=True):
            calendar_day_delete(day=day, by=request.user)


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True  # workdays.services records every change
    list_display = ("year", "status", "note", "calendar_link", "updated_by", "updated_at")
    list_filter = ("status",)
    list_select_related = ("updated_by",)
    fields = ("year", "status", "note", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
    actions = ("mark_official", "mark_provisional")

    def get_urls(self):
        view = self.admin_site.admin_view(self.year_view)
        return [
            path("<int:year>/calendar/", view, name="workdays_calendaryear_calendar"),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ("year", *self.readonly_fields) if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # a year without a row is provisional anyway: mark it provisional instead

    @admin.display(description=_("calendar"))
    def calendar_link(self, obj: CalendarYear) -> str:
        return format_html('<a href="{}">{}</a>', year_view_url(obj.year), gettext("View calendar"))

    def save_model(self, request, obj, form, change):
        saved = calendar_year_set_status(year=obj.year, status=obj.status, note=obj.note, by=request.user)
        obj.pk = saved.pk

    def _mark(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        years = list(queryset.values_list("year", flat=True))
        for year in years:
            calendar_year_set_status(year=year, status=status, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d year marked %(status)s.", "%(count)d years marked %(status)s.", len(years))
            % {"count": len(years), "status": CalendarYear.Status(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark the selected years official"), permissions=["change"])
    def mark_official(self, request, queryset):
        self._mark(request, queryset, CalendarYear.Status.OFFICIAL)

    @admin.action(description=_("Mark the selected years provisional"), permissions=["change"])
    def mark_provisional(self, request, queryset):
        self._mark(request, queryset, CalendarYear.Status.PROVISIONAL)

    def year_view(self, request: HttpRequest, year: int) -> HttpResponse:
        """Twelve months of one year, days off (休) and swapped working days (班) marked."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if year not in YEAR_VIEW_RANGE:
            raise Http404
        view = selectors.calendar_year_view(year=year)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Working-day calendar %(year)s") % {"year": year},
            "view": view,
            "weekday_headers": WEEKDAY_HEADERS,
            "previous_year": year - 1 if year - 1 in YEAR_VIEW_RANGE else None,
            "next_year": year + 1 if year + 1 in YEAR_VIEW_RANGE else None,
            "can_add_day": self.admin_site._registry[CalendarDay].has_add_permission(request),
            "can_change_year": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/workdays/calendar_year.html", context)


@admin.register(CalendarChange)
class CalendarChangeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The change log: read-only, written only by the calendar service."""

    audited_by_service = True  # workdays.services records every change
    list_display = (
        "changed_at",
        "changed_by",
        "action",
        "description",
        "changed_day_count",
        "deadlines_recomputed",
    )
    list_filter = ("action",)
    list_select_related = ("changed_by",)
    date_hierarchy = "changed_at"
    fields = ("changed_at", "changed_by", "action", "description", "changed_days", "deadlines_recomputed")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("description"))
    def description(self, obj: CalendarChange) -> str:
        detail = obj.detail or {}
        if obj.action in (CalendarChange.Action.DAY_SET, CalendarChange.Action.DAY_DELETED):
            return gettext("%(day)s: %(old)s → %(new)s") % {
                "day": detail.get("day", ""),
                "old": _describe_day(detail.get("old")),
                "new": _describe_day(detail.get("new")),
            }
        if obj.action == CalendarChange.Action.YEAR_STATUS:
            return gettext("%(year)s: %(old)s → %(new)s") % {
                "year": detail.get("year", ""),
                "old": _status_label(detail.get("old")),
                "new": _status_label(detail.get("new")),
            }
        return gettext(
            "%(created)s days added, %(updated)s corrected, %(deleted)s removed, %(kept)s staff edits kept"
        ) % {
            "created": detail.get("created", 0),
            "updated": detail.get("updated", 0),
            "deleted": detail.get("deleted", 0),
            "kept": detail.get("kept_staff_edits", 0),
        }

    @admin.display(description=_("days whose status changed"))
    def changed_day_count(self, obj: CalendarChange) -> int:
        return len(obj.days or [])

    @admin.display(description=_("days whose status changed"))
    def changed_days(self, obj: CalendarChange) -> str:
        return format_html_join(
            "",
            "<div>{} {} → {}</div>",
            (
                (entry["day"], CalendarDay.Kind(entry["old"]).label, CalendarDay.Kind(entry["new"]).label)
                for entry in obj.days or []
            ),
        ) or gettext("none")


def _describe_day(value: dict | None) -> str:
    if not value:
        return gettext("plain rule")
    label = CalendarDay.Kind(value["kind"]).label
    return f"{label} {value['note']}".strip()


def _status_label(value: str | None) -> str:
    return CalendarYear.Status(value).label if value in CalendarYear.Status.values else "-"
