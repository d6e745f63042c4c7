from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from registry.models import Employer, EmployerNameChange
from registry.services.employers import EmployerStatusError, employer_suspend, employer_verify


class EmployerNameChangeInline(admin.TabularInline):
    model = EmployerNameChange
    extra = 0
    fields = ("old_name", "new_name", "changed_on", "recorded_at")
    readonly_fields = ("recorded_at",)


@admin.register(Employer)
class EmployerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "uscc",
        "prefecture",
        "status",
        "is_authorised_verification_institution",
        "created_at",
    )
    list_filter = ("status", "prefecture", "is_authorised_verification_institution")
    search_fields = ("name", "=uscc")
    # Status changes only through the actions below (the services), never by editing the field.
    readonly_fields = ("status", "verified_at", "verified_by", "created_at")
    actions = ["verify", "suspend"]
    list_select_related = ("verified_by",)
    inlines = [EmployerNameChangeInline]
    fieldsets = (
        (None, {"fields": ("name", "uscc", "prefecture", "address")}),
        (_("Contact"), {"fields": ("contact_name", "contact_phone", "contact_email")}),
        (
            _("Eligibility"),
            {"fields": ("is_authorised_verification_institution", "status", "verified_at", "verified_by")},
        ),
        (_("Record"), {"fields": ("created_at",)}),
    )

    def _apply(self, request, queryset, service, done_message) -> None:
        """Run `service` per employer, each in its own transaction; report what happened and what not."""
        done = 0
        for employer in queryset.order_by("pk"):
            try:
                with transaction.atomic():  # the change and its audit event (the admin hook) together
                    service(employer=employer, by=request.user)
                    self.log_change(request, employer, done_message)
            except EmployerStatusError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done_message}: {done}", messages.SUCCESS)

    @admin.action(
        description=_("Verify the selected employers (they may submit applications)"), permissions=["change"]
    )
    def verify(self, request, queryset) -> None:
        self._apply(request, queryset, employer_verify, gettext("Verified"))

    @admin.action(
        description=_("Suspend the selected employers (they may no longer submit)"), permissions=["change"]
    )
    def suspend(self, request, queryset) -> None:
        self._apply(request, queryset, employer_suspend, gettext("Suspended"))
