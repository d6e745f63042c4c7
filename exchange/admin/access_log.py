"""The API's access log: read-only, filtered by partner, date and status."""

from django.contrib import admin

from audit.admin_hooks import AuditedAdminMixin
from exchange.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True  # nothing is edited here; services record issue, revoke and decisions
    list_display = ("at", "partner", "key", "method", "operation", "status", "records", "client_address")
    list_filter = ("partner", "status", "at")
    list_select_related = ("partner", "key", "key__partner")
    date_hierarchy = "at"
    search_fields = ("=key__prefix", "=request_id")
    show_full_result_count = False
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
