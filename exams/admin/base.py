from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from registry.sheet_formats import GuardedImportAdminMixin


class SpreadsheetAdminMixin(GuardedImportAdminMixin, ImportExportMixin):
    """Import needs add and change rights on the model, export the view right. Files go through the upload
    guard and exports escape formulas (registry/sheet_formats.py)."""

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class MaskedPersonMixin:
    """Lists show the person's name and masked resident ID; searching by the full number works."""

    @admin.display(description=_("name"), ordering="person__name")
    def person_name(self, obj) -> str:
        return obj.person.name

    @admin.display(description=_("resident ID number"))
    def masked_id(self, obj) -> str:
        return obj.person.masked_id_number

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())
