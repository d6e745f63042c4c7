"""The user admin (issue 11, item 1): who manages which accounts.

A superuser manages every account and every role. Association staff manage enterprise accounts only:
they never see a staff or superuser account (404), nor a role, flag or permission field. Thin: the rows
come from accounts.selectors.managed_users, every write goes through accounts.services, which checks
again under a lock and writes the audit row (docs/decisions/0010-user-administration.md).
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from .forms import (
    EnterpriseUserChangeForm,
    EnterpriseUserCreationForm,
    PasswordSetForm,
    StaffUserChangeForm,
    SuperuserCreationForm,
)
from .models import User
from .roles import Role
from .selectors import managed_users
from .services import PROFILE_FIELDS, user_create, user_set_password, user_set_roles, user_update

# Roles are groups whose permissions accounts/roles.py sets after every migrate. Editing a group here
# would grant rights that no file records, unaudited, and the next deploy would undo them silently; roles
# are given to people on the user page instead.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


def _is_enterprise_account(user: User) -> bool:
    return Role.ENTERPRISE in user.role_names


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form_template = None  # the whole account on one page, not Django's two steps
    change_user_password_template = "admin/accounts/user/change_password.html"  # noqa: S105 (a template)
    list_select_related = ("employer",)
    search_fields = ("username", "first_name", "last_name", "email", "employer__name")
    autocomplete_fields = ("employer",)
    ordering = ("username",)
    filter_horizontal = ()  # Django's two-box widget speaks English; the forms use checkboxes
    readonly_fields = ("last_login", "date_joined", "is_staff", "role_list")
    show_full_result_count = False

    # --- which rows and which fields ---------------------------------------------------------------------
    def get_queryset(self, request):
        queryset = managed_users(by=request.user).select_related("employer")
        if request.user.is_superuser:
            queryset = queryset.prefetch_related("groups")
        return queryset.order_by(*self.get_ordering(request))

    def get_list_display(self, request):
        if request.user.is_superuser:
            return (
                "username",
                "last_name",
                "first_name",
                "employer",
                "role_list",
                "is_superuser",
                "is_active",
            )
        return ("username", "last_name", "first_name", "employer", "is_active")

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return (RoleListFilter, "is_superuser", "is_active")
        return ("is_active",)

    def _full_form(self, request, obj) -> bool:
        """A superuser editing a registration-office account gets the roles, flags and permissions."""
        return request.user.is_superuser and obj is not None and not _is_enterprise_account(obj)

    def get_fieldsets(self, request, obj=None):
        personal = (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")})
        if obj is None:
            login = (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")})
            if request.user.is_superuser:
                return [login, personal, (_("Roles"), {"fields": ("roles", "is_superuser", "employer")})]
            return [login, personal, (_("Employer"), {"fields": ("employer",)})]
        login = (None, {"fields": ("username", "password")})
        dates = (_("Important dates"), {"fields": ("last_login", "date_joined")})
        if self._full_form(request, obj):
            access = (_("Roles and access"), {"fields": ("is_active", "roles", "is_superuser", "is_staff")})
            extra = (
                _("Rights beyond the roles"),
                {"classes": ("collapse",), "fields": ("user_permissions",)},
            )
            return [login, personal, access, extra, dates]
        shown = (
            ("employer", "is_active", "role_list") if request.user.is_superuser else ("employer", "is_active")
        )
        return [login, personal, (_("Employer and access"), {"fields": shown}), dates]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            form = SuperuserCreationForm if request.user.is_superuser else EnterpriseUserCreationForm
        elif self._full_form(request, obj):
            form = StaffUserChangeForm
        else:
            form = EnterpriseUserChangeForm
        form_class = super().get_form(request, obj, **{**kwargs, "form": form})
        form_class.by = request.user  # a fresh class per request: the checks know who is asking
        return form_class

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        names = {group.name for group in obj.groups.all()}
        return "、".join(str(role.label) for role in Role if role.value in names) or "—"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit trail names them

    # --- pages of accounts out of reach answer 404 -------------------------------------------------------
    def _object_or_404(self, request, object_id) -> User:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    # --- writes: one service each ----------------------------------------------------------------------
    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in PROFILE_FIELDS}
            saved = user_update(user=obj, by=request.user, changes=changes, request=request)
        else:
            saved = user_create(
                by=request.user,
                username=data["username"],
                password=data["password1"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
                phone=data.get("phone", ""),
                employer=data.get("employer"),
                roles=form.account_roles(),
                is_superuser=bool(data.get("is_superuser")),
                request=request,
            )
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change) -> None:
        # Never form.save_m2m(): groups and permissions change only through user_set_roles (audited).
        access = {"roles", "is_superuser", "user_permissions"}
        if change and "roles" in form.fields and access & set(form.changed_data):
            data = form.cleaned_data
            user_set_roles(
                user=form.instance,
                by=request.user,
                roles=data["roles"],
                is_superuser=data["is_superuser"],
                permissions=data["user_permissions"],
                request=request,
            )

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        user = self._object_or_404(request, id)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        form = PasswordSetForm(user, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            saved = user_set_password(
                user=user, by=request.user, password=form.cleaned_data["password1"], request=request
            )
            self.log_change(request, saved, [{"changed": {"fields": ["password"]}}])
            messages.success(request, gettext("Password changed successfully."))
            if saved.pk == request.user.pk:
                update_session_auth_hash(request, saved)
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[saved.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Change password: %s") % user.get_username(),
            "form": form,
            "form_url": form_url,
            "is_popup": IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET,
            "is_popup_var": IS_POPUP_VAR,
            "opts": self.opts,
            "original": user,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_user_password_template, context)
