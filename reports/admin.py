"""The yearly reports in the admin: read-only, for association staff to look up a year's versions, their
checksums and the bureau's answers, and the reminders sent.

Nothing is added, changed or deleted here, by anyone: the written part is edited, a version submitted and
answered on the report pages, through reports.services, which audit every step. The stored PDF and
workbook are not linked (they sit in private storage); the report pages serve them to whoever may read
them.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin

from .models import AnnualReport, ReportReminder, ReportVersion


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True  # every write goes through reports.services, which audits it

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


VERSION_FIELDS = (
    "number",
    "state",
    "submitted_by",
    "submitted_at",
    "checksum",
    "answered_by",
    "answered_at",
    "bureau_comment",
)


class VersionInline(admin.TabularInline):
    model = ReportVersion
    fields = VERSION_FIELDS
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("versions submitted")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report", "submitted_by", "answered_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ("year", "due_on", "version_count", "updated_by", "updated_at")
    fields = ("year", "work_done", "problems", "suggestions", "updated_by", "updated_at", "created_at")
    readonly_fields = fields
    inlines = [VersionInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("updated_by")
        return queryset.annotate(version_total=Count("versions"))

    @admin.display(description=_("due by"))
    def due_on(self, obj: AnnualReport):
        return obj.due_on

    @admin.display(description=_("versions submitted"))
    def version_count(self, obj: AnnualReport) -> int:
        return obj.version_total


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ("report", "number", "state", "submitted_by", "submitted_at", "answered_at")
    list_filter = ("state",)
    list_select_related = ("report", "submitted_by")
    fields = (
        "report",
        "number",
        "state",
        "period_start",
        "period_end",
        "submitted_by",
        "submitted_at",
        "checksum",
        "pdf_sha256",
        "xlsx_sha256",
        "work_done",
        "problems",
        "suggestions",
        "answered_by",
        "answered_at",
        "bureau_comment",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report", "submitted_by", "answered_by")


@admin.register(ReportReminder)
class ReportReminderAdmin(ReadOnlyAdmin):
    list_display = ("year", "reminder_date", "audience", "recipients", "sent_at")
    list_filter = ("audience", "year")
    fields = list_display
    readonly_fields = fields
