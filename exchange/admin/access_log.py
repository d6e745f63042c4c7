"""The API's access log: read-only, filtered by partner, date and outcome, in words a clerk reads (the
operation by name, the HTTP status with its meaning), never the raw operation id alone."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.admin_hooks import AuditedAdminMixin
from exchange.models import AccessLog

# The operations of /api/v1/ by URL name (exchange/endpoints/), as the middleware records them.
OPERATIONS = {
    "certificate_verify": _("Verify a certificate"),
    "registrations_changed": _("Sync registration changes"),
    "assessment_certificates_changed": _("Sync assessment certificate changes"),
    "recognition_submit": _("Submit a certificate for recognition"),
    "recognition_read": _("Read a submission"),
    "openapi-json": _("Read the interface description (OpenAPI)"),
    "api-root": _("The interface's root address"),
}

# Every status the API answers with (exchange/errors.py), and what it means to the partner.
STATUSES = {
    200: _("success"),
    201: pgettext_lazy("HTTP status", "created"),
    400: _("request refused (rules, parameters or body)"),
    401: _("key missing, invalid, expired or revoked"),
    403: _("scope not granted"),
    404: _("not found"),
    405: _("method not allowed"),
    409: _("reference already used with other content"),
    422: _("malformed input"),
    429: _("rate limit exceeded"),
    500: _("server error"),
}


class OutcomeFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(str(code), f"{code} {label}") for code, label in STATUSES.items()]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        # Only the listed codes: isdigit() would pass "²" and a 5,000-digit number to int().
        statuses = {str(code): code for code in STATUSES}
        if value not in statuses:
            raise IncorrectLookupParameters(value)
        return queryset.filter(status=statuses[value])


@admin.register(AccessLog)
class AccessLogAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True  # nothing is edited here; services record issue, revoke and decisions
    list_display = (
        "at",
        "partner",
        "key",
        "method",
        "operation_label",
        "outcome",
        "records",
        "client_address",
    )
    list_filter = ("partner", OutcomeFilter, "at")
    list_select_related = ("partner", "key", "key__partner")
    date_hierarchy = "at"
    search_fields = ("=key__prefix", "=request_id")
    show_full_result_count = False
    list_per_page = 100

    @admin.display(description=_("operation"), ordering="operation")
    def operation_label(self, obj: AccessLog) -> str:
        """The operation's name; a call to no operation (an unknown address) shows its path."""
        label = OPERATIONS.get(obj.operation)
        return str(label) if label is not None else obj.path

    @admin.display(description=_("status"), ordering="status")
    def outcome(self, obj: AccessLog) -> str:
        label = STATUSES.get(obj.status)
        return f"{obj.status} {label}" if label is not None else str(obj.status)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
