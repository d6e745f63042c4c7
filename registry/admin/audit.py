"""The read-only history inline every audited object's admin page shows."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.models import AuditEntry
from registry.workflow import action_label, state_label


class AuditEntryInlineBase(admin.TabularInline):
    """History, read-only: audit rows are never added, edited or deleted through the admin.

    Subclasses name the foreign key (`fk_name`) the rows hang on.
    """

    model = AuditEntry
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_label", "to_label", "by", "is_system", "comment")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name_plural = _("history")

    @admin.display(description=_("action"))
    def action(self, obj: AuditEntry) -> str:
        return action_label(obj.transition)

    @admin.display(description=_("from"))
    def from_label(self, obj: AuditEntry) -> str:
        return state_label(obj.from_state)

    @admin.display(description=_("to"))
    def to_label(self, obj: AuditEntry) -> str:
        return state_label(obj.to_state)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")
