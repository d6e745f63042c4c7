"""Declared conflicts of interest (利害关系), read-only: inspectors declare and withdraw them in their own
pages (supervision.services.conflict_declare / conflict_withdraw); every draw honours them."""

from django.contrib import admin

from supervision.models import InspectorConflict

from .checks import ReadOnlyAdmin


@admin.register(InspectorConflict)
class InspectorConflictAdmin(ReadOnlyAdmin):
    list_display = ("inspector", "employer", "note", "declared_at")
    list_select_related = ("inspector", "employer")
    search_fields = ("employer__name", "inspector__username", "inspector__last_name")
    fields = list_display
    readonly_fields = list_display
