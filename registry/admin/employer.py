from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.models import Employer, EmployerNameChange


class EmployerNameChangeInline(admin.TabularInline):
    model = EmployerNameChange
    extra = 0
    fields = ("old_name", "new_name", "changed_on", "recorded_at")
    readonly_fields = ("recorded_at",)


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
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
    readonly_fields = ("verified_at", "verified_by", "created_at")
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
