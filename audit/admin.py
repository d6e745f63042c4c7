"""The security auditor's view of the audit trail: read-only, filterable, readable, exportable.

Filters by action, date range, account and record type; each event links to its record's admin page
(when the reader may see it) and to every event of that record; the detail reads as labelled lines in
the interface language (audit/describe.py). "Export CSV" writes the filtered list, and the export is
itself an audit event. A list page costs the same number of queries whatever the number of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from audit.describe import describe, summary, target_labels, target_model
from audit.middleware import current_request
from audit.models import Action, AuditEvent
from audit.services import audit_log

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: Any) -> str:
    """Text a spreadsheet would run as a formula (also after leading blanks) is prefixed with '."""
    text = "" if value is None else str(value)
    if text.lstrip(" \t\r\n").startswith(FORMULA_START) or text.startswith(FORMULA_START):
        return "'" + text
    return text


def _other_params(changelist, own: tuple[str, ...]) -> list[tuple[str, str]]:
    """The list's other filter parameters, carried as hidden inputs by a filter's own form."""
    params = changelist.get_filters_params()
    return [
        (key, value)
        for key, values in params.items()
        if key not in own
        for value in (values if isinstance(values, list) else [values])
    ]


def _last(params: dict, key: str) -> str:
    value = params.pop(key, "")
    return (value[-1] if isinstance(value, list) else value or "").strip()


class InputFilter(admin.ListFilter):
    """A filter typed in rather than picked from a list; runs no query to draw itself."""

    template = "admin/audit/input_filter.html"
    parameters: tuple[tuple[str, str, Any], ...] = ()  # (parameter, label, input type)

    def __init__(self, request, params, model, model_admin) -> None:
        super().__init__(request, params, model, model_admin)
        self.values = {name: _last(params, name) for name, _label, _kind in self.parameters}

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [name for name, _label, _kind in self.parameters]

    def choices(self, changelist) -> Iterator[dict[str, Any]]:
        names = tuple(self.expected_parameters())
        yield {
            "inputs": [
                {"name": name, "label": label, "type": kind, "value": self.values[name]}
                for name, label, kind in self.parameters
            ],
            "other": _other_params(changelist, names),
            "active": any(self.values.values()),
            "clear_url": changelist.get_query_string(remove=list(names)),
        }


class DateRangeFilter(InputFilter):
    title = _("event date")
    parameters = (("from", _("from date"), "date"), ("to", _("to date"), "date"))

    def queryset(self, request, queryset):
        bounds: dict[str, dt.date | None] = {}
        for name in ("from", "to"):
            value = self.values[name]
            bounds[name] = _parse_day(value) if value else None
            if value and bounds[name] is None:
                messages.error(
                    request,
                    gettext("“%(value)s” is not a date; the date filter was not applied.") % {"value": value},
                    fail_silently=True,
                )
                return queryset
        if bounds["from"]:
            queryset = queryset.filter(at__gte=_start_of(bounds["from"]))
        if bounds["to"]:
            queryset = queryset.filter(at__lt=_start_of(bounds["to"] + dt.timedelta(days=1)))
        return queryset


def _parse_day(value: str) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AccountFilter(InputFilter):
    """The account as it was named at the time (also the name tried in a failed sign-in)."""

    title = _("account")
    parameters = (("account", _("account"), "text"),)

    def queryset(self, request, queryset):
        value = self.values["account"]
        return queryset.filter(actor_label=value) if value else queryset


class RecordFilter(InputFilter):
    """Every event of one record: `?record=app_label.model:id` (the "all events" link of each row)."""

    title = _("record")
    parameters = (("record", _("record"), "text"),)

    def queryset(self, request, queryset):
        value = self.values["record"]
        if not value:
            return queryset
        target_type, _sep, target_id = value.partition(":")
        queryset = queryset.filter(target_type__in=target_labels(target_type))
        return queryset.filter(target_id=target_id.strip()) if target_id.strip() else queryset


class RecordTypeFilter(admin.SimpleListFilter):
    """The kinds of record the admin manages, by name: no DISTINCT over the whole table to draw it."""

    title = _("record type")
    parameter_name = "record_type"

    def lookups(self, request, model_admin):
        models = {m._meta.label_lower: str(m._meta.verbose_name) for m in model_admin.admin_site._registry}
        return sorted(models.items(), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type__in=target_labels(self.value())) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/audit/auditevent/change_list.html"
    list_display = ("at", "action", "account", "is_system", "record_type", "record", "detail_summary", "ip")
    list_filter = ("action", DateRangeFilter, AccountFilter, RecordTypeFilter, RecordFilter, "is_system")
    search_fields = ("=actor_label", "=target_id", "target_label")
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) over millions of events on every page is not worth it
    show_facets = admin.ShowFacets.NEVER  # nor a COUNT per filter choice
    fields = (
        "at", "action", "account", "is_system", "ip",
        "record_type", "record", "detail_lines", "key_id", "prev_hash", "hash",
    )  # fmt: skip
    readonly_fields = fields

    class Media:
        css = {"all": ["css/audit-admin.css"]}

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return {}  # no "delete selected"

    # --- columns -----------------------------------------------------------------------------------
    @admin.display(description=_("account"), ordering="actor_label")
    def account(self, obj: AuditEvent) -> str:
        if obj.is_system:
            return gettext("the system")
        return obj.actor_label or "—"

    @admin.display(description=_("record type"))
    def record_type(self, obj: AuditEvent) -> str:
        model = target_model(obj.target_type) if obj.target_type else None
        return str(model._meta.verbose_name) if model is not None else (obj.target_type or "—")

    @admin.display(description=_("record"))
    def record(self, obj: AuditEvent) -> str:
        if not obj.target_type:
            return "—"
        label = obj.target_label or obj.target_id or "—"
        url = self._record_url(obj)
        shown = format_html('<a href="{}">{}</a>', url, label) if url else label
        if not obj.target_id:
            return shown
        events = (
            reverse("admin:audit_auditevent_changelist") + "?" + f"record={obj.target_type}:{obj.target_id}"
        )
        return format_html(
            '{} <a class="audit-record-events" href="{}" title="{}">{}</a>',
            shown,
            events,
            gettext("every event of this record"),
            gettext("(all events)"),
        )

    @admin.display(description=_("detail"))
    def detail_summary(self, obj: AuditEvent) -> str:
        return summary(obj) or "—"

    @admin.display(description=_("detail"))
    def detail_lines(self, obj: AuditEvent) -> str:
        lines = describe(obj)
        if not lines:
            return "—"
        return format_html(
            '<dl class="audit-detail">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", lines)
        )

    def _record_url(self, obj: AuditEvent) -> str | None:
        """The record's admin page, if it still exists in the admin and the reader may view it."""
        request = current_request()
        model = target_model(obj.target_type)
        if model is None or not obj.target_id or request is None:
            return None
        model_admin = self.admin_site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            return None
        try:
            return reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.target_id]
            )
        except NoReverseMatch:
            return None

    def changelist_view(self, request, extra_context=None):
        # A NUL or other control character never gets here: the admin site drops it (config/admin_site.py).
        extra_context = {**(extra_context or {}), "export_url": self._export_url(request)}
        return super().changelist_view(request, extra_context)

    # --- CSV export of the filtered list ----------------------------------------------------------------
    def get_urls(self):
        export = path("export/", self.admin_site.admin_view(self.export_view), name="audit_auditevent_export")
        return [export, *super().get_urls()]

    def _export_url(self, request: HttpRequest) -> str:
        query = request.GET.urlencode()
        return reverse("admin:audit_auditevent_export") + (f"?{query}" if query else "")

    def export_view(self, request: HttpRequest):
        """The events the list shows with the same filters and search, all pages, as CSV (UTF-8)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, gettext("The filters are not valid; nothing was exported."))
            return HttpResponseRedirect(reverse("admin:audit_auditevent_changelist"))
        queryset = changelist.get_queryset(request)
        filters = {
            key: value
            for key, value in request.GET.items()
            if key not in {"o", "p", "q", "e", "_facets", "_changelist_filters"} and value
        }
        with transaction.atomic():
            count = queryset.count()
            audit_log(
                action=Action.EXPORTED,
                request=request,
                target=AuditEvent,
                detail={
                    "format": "csv",
                    "rows": count,
                    "filters": filters,
                    "search": request.GET.get("q", ""),
                },
            )
        response = StreamingHttpResponse(self._csv_rows(queryset), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
        patch_cache_control(response, no_store=True, private=True)
        return response

    def _csv_rows(self, queryset) -> Iterator[bytes]:
        class Line:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Line())
        yield "\ufeff".encode()  # the byte-order mark: spreadsheet programs then read UTF-8
        headers = [
            _("at"), _("action"), _("account"), _("by the system"), _("address"), _("record type"),
            _("record"), _("record name"), _("detail"), _("chain key"), _("previous hash"), _("hash"),
        ]  # fmt: skip
        yield writer.writerow([str(h) for h in headers]).encode()
        yes, no = gettext("yes"), gettext("no")
        for event in queryset.select_related(None).iterator(chunk_size=2000):
            row = [
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                event.get_action_display(),
                self.account(event),
                yes if event.is_system else no,
                event.ip or "",
                self.record_type(event) if event.target_type else "",
                event.target_id,
                event.target_label,
                summary(event),
                event.key_id,
                event.prev_hash,
                event.hash,
            ]
            yield writer.writerow([csv_cell(v) for v in row]).encode()
