from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import BINARY_FORMATS

from audit.models import Action
from audit.services import audit_log
from common.sheet_formats import GuardedImportAdminMixin
from people.id_search import IdNumberSearchMixin


class SpreadsheetAdminMixin(GuardedImportAdminMixin, ImportExportMixin):
    """Import needs add and change rights on the model, export the view right. Files go through the upload
    guard and exports escape formulas (registry/sheet_formats.py)."""

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def export_reveals_id_numbers(self, request) -> bool:
        """Whether this export carries full resident ID numbers (a resource that has them decides)."""
        return False

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """django-import-export's, plus one audit row per export: what, how many rows, which format, and
        whether full ID numbers were in it; never the data itself."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=type(file_format) in BINARY_FORMATS, **kwargs
        )
        audit_log(
            action=Action.EXPORTED,
            request=request,
            target_label=str(self.opts.verbose_name_plural),
            detail={
                "model": self.opts.label_lower,
                "rows": len(data),
                "format": file_format.get_extension(),
                "full_id_numbers": self.export_reveals_id_numbers(request),
            },
        )
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data


class MaskedPersonMixin(IdNumberSearchMixin):
    """Lists show the person's name and masked resident ID; searching by the full number works (by its
    blind index, kept out of the URL: registry/admin/id_search.py)."""

    @admin.display(description=_("name"), ordering="person__name")
    def person_name(self, obj) -> str:
        return obj.person.name

    @admin.display(description=_("resident ID number"))
    def masked_id(self, obj) -> str:
        return obj.person.masked_id_number
