"""API keys: read and revoked here; issued from their partner's page (one-time display)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin_hooks import AuditedAdminMixin
from exchange.models import ApiKey
from exchange.services import api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True  # nothing is edited here; services record issue, revoke and decisions
    list_display = ("prefix", "partner", "label", "created_at", "expires_at", "status", "last_used_at")
    list_filter = ("partner", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("partner",)
    search_fields = ("=prefix", "label", "partner__name")
    fields = (
        "partner",
        "label",
        "prefix",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    )
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("status"))
    def status(self, obj: ApiKey) -> str:
        if obj.revoked_at is not None:
            return str(_("Revoked"))
        if obj.expires_at <= timezone.now():
            return str(_("Expired"))
        return str(_("In use"))

    def has_add_permission(self, request):
        return False  # issued from the partner's page, where the key is shown once

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected keys (at once)"), permissions=["change"])
    def revoke(self, request, queryset) -> None:
        revoked = sum(api_key_revoke(key=key, by=request.user) for key in queryset.order_by("pk"))
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )
