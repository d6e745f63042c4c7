from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from audit.admin_hooks import AuditedAdminMixin, AuditedImportMixin
from audit.models import Action
from exams.models import MetrologyCategory, MetrologyProject
from exams.resources import ProjectResource

from .base import SpreadsheetAdminMixin


@admin.register(MetrologyCategory)
class MetrologyCategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_action = Action.CATALOGUE_CHANGED
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(MetrologyProject)
class MetrologyProjectAdmin(
    AuditedAdminMixin, AuditedImportMixin, SpreadsheetAdminMixin, ImportExportModelAdmin
):
    """The catalogue; importable from a sheet with the columns 项目代码, 项目名称, 专业类别代码, 是否启用."""

    audit_action = Action.CATALOGUE_CHANGED
    resource_classes = [ProjectResource]
    list_display = ("code", "name", "category", "is_active")
    list_filter = ("category", "is_active")
    list_select_related = ("category",)
    search_fields = ("code", "name")
