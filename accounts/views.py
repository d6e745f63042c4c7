from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView, PasswordResetConfirmView
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect

from .roles import Role
from .services import user_set_password

HOME_BY_ROLE = {
    Role.ASSOCIATION: "admin:index",
    Role.TRAINING_CENTRE: "admin:index",
    Role.ENTERPRISE: "portal:home",
    Role.BUREAU: "reports:home",
    Role.INSPECTOR: "supervision:home",
    Role.AUDITOR: "admin:index",
}


@login_required
def home(request):
    """Send each user to where its role works."""
    user = request.user
    if user.is_superuser:
        return redirect("admin:index")
    role = user.primary_role
    if role is None:
        return redirect("no_role")
    return redirect(HOME_BY_ROLE[role])


class AuditedPasswordChangeView(PasswordChangeView):
    """Django's password-change page (the site's and the admin's), saving through the accounts service so
    that the change is checked and recorded like every other (PASSWORD_CHANGED)."""

    def form_valid(self, form):
        with transaction.atomic():
            user = user_set_password(
                user=self.request.user,
                by=self.request.user,
                password=form.cleaned_data["new_password1"],
                request=self.request,
            )
        update_session_auth_hash(self.request, user)  # this session stays signed in; the others end
        return HttpResponseRedirect(self.get_success_url())


class AuditedPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's "set a new password" page behind the e-mailed reset link, saving through the accounts
    service (rules, audit row PASSWORD_CHANGED). It never signs the user in (post_reset_login stays off):
    the login page, with its lockout and second factor, comes next."""

    def form_valid(self, form):
        with transaction.atomic():
            user_set_password(
                user=form.user,
                by=form.user,
                password=form.cleaned_data["new_password1"],
                request=self.request,
            )
        del self.request.session["_password_reset_token"]
        return HttpResponseRedirect(self.get_success_url())
