from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from exams.models import MetrologyCategory, MetrologyProject
from exams.resources import ProjectResource

from .base import SpreadsheetAdminMixin


@admin.register(MetrologyCategory)
class MetrologyCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(MetrologyProject)
class MetrologyProjectAdmin(SpreadsheetAdminMixin, ImportExportModelAdmin):
    """The catalogue; importable from a sheet with the columns 项目代码, 项目名称, 专业类别代码, 是否启用."""

    resource_classes = [ProjectResource]
    list_display = ("code", "name", "category", "is_active")
    list_filter = ("category", "is_active")
    list_select_related = ("category",)
    search_fields = ("code", "name")
