from django.contrib import admin

from .models import MetrologyCategory, MetrologyProject


@admin.register(MetrologyCategory)
class MetrologyCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(MetrologyProject)
class MetrologyProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "is_active")
    list_filter = ("category", "is_active")
    list_select_related = ("category",)
    search_fields = ("code", "name")
