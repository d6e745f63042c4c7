from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.admin.id_search import IdNumberSearchMixin
from registry.models import Person, QualificationCertificate


class QualificationCertificateInline(admin.TabularInline):
    model = QualificationCertificate
    extra = 0


@admin.register(Person)
class PersonAdmin(IdNumberSearchMixin, admin.ModelAdmin):
    """Lists show the masked resident ID; the full number only on the change page, which staff need."""

    list_display = ("name", "masked_id", "phone", "created_at")
    search_fields = ("name",)
    search_help_text = _("Name or resident ID number (full, or masked as 2301**********123X).")
    id_search_path = ""
    inlines = [QualificationCertificateInline]
    readonly_fields = ("created_at",)

    @admin.display(description=_("resident ID number"))
    def masked_id(self, obj: Person) -> str:
        return obj.masked_id_number


@admin.register(QualificationCertificate)
class QualificationCertificateAdmin(IdNumberSearchMixin, admin.ModelAdmin):
    list_display = ("number", "person", "level", "issued_on", "issuer")
    list_filter = ("level",)
    list_select_related = ("person",)
    search_fields = ("=number", "person__name")
    search_help_text = _(
        "Certificate number, name or resident ID number (full, or masked as 2301**********123X)."
    )
    autocomplete_fields = ("person",)
