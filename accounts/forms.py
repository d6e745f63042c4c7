"""The user admin's forms: what each kind of staff may fill in, checked by the services' own rules.

Which form a page gets is decided by accounts/admin.py: association staff only ever get the enterprise
forms (no role, flag or permission field exists on them); a superuser gets the full forms. Each form's
clean() calls the check the service runs again under its lock (accounts/services.py), so a refused change
is shown at its field instead of failing on save.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import SetPasswordMixin, UserChangeForm, UserCreationForm
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import User
from .roles import Role
from .selectors import grantable_permissions
from .services import account_kind_check, profile_change_check, roles_change_check

PROFILE = ("username", "first_name", "last_name", "email", "phone")


def _roles_field(*, choices: list[tuple[str, Any]]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("roles"),
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose roles from the list.")},
        help_text=_(
            "What the account may do. Association, training centre and security auditor accounts work "
            "in this administration site; every change of roles is recorded."
        ),
    )


PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "add"),
    "change": pgettext_lazy("permission", "change"),
    "delete": pgettext_lazy("permission", "delete"),
    "view": pgettext_lazy("permission", "view"),
}


def permission_label(permission: Permission) -> str:
    """A permission as staff read it, in the interface's language (Django stores English names)."""
    model = permission.content_type.model_class()
    action, _sep, _rest = permission.codename.partition("_")
    if model is None:
        return permission.name
    if action not in PERMISSION_ACTIONS:
        # A model's own permission (Meta.permissions): translatable there; the table holds English.
        custom = dict(model._meta.permissions).get(permission.codename)
        return str(
            _("%(app)s · %(model)s: %(action)s")
            % {
                "app": model._meta.app_config.verbose_name,
                "model": model._meta.verbose_name,
                "action": custom or permission.name,
            }
        )
    return str(
        _("%(app)s · %(model)s: %(action)s")
        % {
            "app": model._meta.app_config.verbose_name,
            "model": model._meta.verbose_name,
            "action": PERMISSION_ACTIONS[action],
        }
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a check's error at its field where the form has that field, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class _ByMixin:
    """`by`, the signed-in member of staff, is set on the form class by the admin for each request."""

    by: ClassVar[User]


class EnterpriseUserCreationForm(_ByMixin, UserCreationForm):
    """A new enterprise account: the enterprise role alone, for the employer chosen (required)."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = (*PROFILE, "employer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "employer" in self.fields:
            self.fields["employer"].required = True

    def account_roles(self) -> list[str]:
        return [Role.ENTERPRISE.value]

    def clean(self):
        cleaned = super().clean()
        try:
            account_kind_check(
                roles=self.account_roles(),
                is_superuser=bool(cleaned.get("is_superuser")),
                employer=cleaned.get("employer"),
            )
        except ValidationError as error:
            _add_errors(self, error)
        return cleaned


class SuperuserCreationForm(EnterpriseUserCreationForm):
    """A superuser's new account of any kind: an enterprise account (with its employer) or another."""

    roles = _roles_field(choices=Role.choices)

    class Meta(EnterpriseUserCreationForm.Meta):
        fields = (*PROFILE, "employer", "is_superuser")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].required = False
        self.fields["employer"].help_text = _("Only for enterprise accounts: required for them.")

    def account_roles(self) -> list[str]:
        return list(self.cleaned_data.get("roles") or [])


class EnterpriseUserChangeForm(_ByMixin, UserChangeForm):
    """An enterprise account's profile, employer link and active flag."""

    class Meta(UserChangeForm.Meta):
        model = User
        fields = (
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "phone",
            "employer",
            "is_active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "employer" in self.fields:
            self.fields["employer"].required = True

    def clean(self):
        cleaned = super().clean()
        changes = {
            name: cleaned[name] for name in self.changed_data if name in cleaned and name != "password"
        }
        try:
            profile_change_check(user=self.instance, by=self.by, changes=changes)
        except ValidationError as error:
            _add_errors(self, error)
        return cleaned


class StaffUserChangeForm(EnterpriseUserChangeForm):
    """A superuser's view of a registration-office account: profile, roles, flags, direct permissions."""

    roles = _roles_field(choices=[(r.value, r.label) for r in Role if r != Role.ENTERPRISE])

    class Meta(EnterpriseUserChangeForm.Meta):
        fields = (
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "phone",
            "is_active",
            "is_superuser",
            "user_permissions",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["roles"].initial = sorted(self.instance.role_names)
        permissions = self.fields["user_permissions"]
        permissions.widget = forms.CheckboxSelectMultiple()  # then the queryset, which fills its choices
        permissions.queryset = grantable_permissions()
        permissions.label_from_instance = permission_label
        permissions.help_text = _(
            "Rights beyond the roles, for exceptions only; roles are the rule. Every change is recorded."
        )

    def clean(self):
        cleaned = super().clean()
        try:
            roles_change_check(
                user=self.instance,
                by=self.by,
                roles=cleaned.get("roles") or [],
                is_superuser=bool(cleaned.get("is_superuser")),
                permissions=cleaned.get("user_permissions") or [],
            )
        except ValidationError as error:
            _add_errors(self, error)
        return cleaned


class PasswordSetForm(SetPasswordMixin, forms.Form):
    """A new password for an account, typed twice and checked by the password rules."""

    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password1"].widget.attrs["autofocus"] = True

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()
