"""The security auditor's view of the audit trail: read-only, filterable, never editable by anyone."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("at", "action", "actor_label", "is_system", "target_type", "target_label", "ip")
    list_filter = ("action", "is_system", "target_type")
    date_hierarchy = "at"
    search_fields = ("=actor_label", "=target_id", "target_label")
    list_select_related = ("actor",)
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) over millions of events on every page is not worth it
    fields = (
        "at", "action", "actor", "actor_label", "is_system", "ip",
        "target_type", "target_id", "target_label", "detail", "key_id", "prev_hash", "hash",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return {}  # no "delete selected"

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj: AuditEvent) -> str:
        return obj.get_action_display()
