from django.contrib import admin
from django.http import HttpRequest

from audit.admin_hooks import AuditedAdminMixin
from registry.models import NotificationLog


@admin.register(NotificationLog)
class NotificationLogAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written only by registry/services/notifications.py."""

    list_display = (
        "created_at",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
    )
    list_filter = ("channel", "status")
    search_fields = ("=key", "key", "recipient")
    # The idempotency key (e.g. `application:6:57484:employer`) is the system's, not a reader's: the pages
    # show what the message is about (its subject), to whom and how it went; the search still finds a key.
    fields = (
        "created_at", "channel", "recipient", "subject", "body", "status", "attempts", "error",
        "sent_at", "next_attempt_at",
    )  # fmt: skip
    readonly_fields = fields
    date_hierarchy = "created_at"
    show_full_result_count = False  # the log grows without bound: no COUNT(*) over it on every page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: NotificationLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: NotificationLog | None = None) -> bool:
        return False
