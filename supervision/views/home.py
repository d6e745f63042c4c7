from django.shortcuts import render

from accounts.permissions import role_required
from accounts.roles import Role
from supervision.selectors import supervision_counts


@role_required(Role.INSPECTOR, Role.BUREAU)
def home(request):
    """The bureau's dashboard (plans by state, checks, open measures); an inspector's links to their
    checks and their declared conflicts."""
    user = request.user
    bureau = user.is_superuser or user.has_role(Role.BUREAU)
    return render(
        request,
        "supervision/home.html",
        {
            "bureau": bureau,
            "inspector": user.has_role(Role.INSPECTOR),
            "counts": supervision_counts() if bureau else None,
        },
    )
