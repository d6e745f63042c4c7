from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .roles import Role

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
