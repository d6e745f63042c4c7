from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from registry.models import Person, QualificationCertificate


class QualificationCertificateInline(admin.TabularInline):
    model = QualificationCertificate
    extra = 0


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Lists show the masked resident ID; the full number only on the change page, which staff need."""

    list_display = ("name", "masked_id", "phone", "created_at")
    search_fields = ("name", "=id_number")
    inlines = [QualificationCertificateInline]
    readonly_fields = ("created_at",)

    @admin.display(description=_("resident ID number"), ordering="id_number")
    def masked_id(self, obj: Person) -> str:
        return obj.masked_id_number


@admin.register(QualificationCertificate)
class QualificationCertificateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "person", "level", "issued_on", "issuer")
    list_filter = ("level",)
    list_select_related = ("person",)
    search_fields = ("=number", "person__name", "=person__id_number")
    autocomplete_fields = ("person",)
