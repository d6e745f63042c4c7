from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "employer", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_active")
    list_select_related = ("employer",)
    search_fields = ("username", "first_name", "last_name", "email", "employer__name")
    autocomplete_fields = ("employer",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Registry"), {"fields": ("employer", "phone")}),
    )
