"""The enterprise portal (role `enterprise`). Every view scopes its rows to the user's own employer."""

from django.shortcuts import render

from accounts.permissions import role_required
from accounts.roles import Role
from registry import selectors


@role_required(Role.ENTERPRISE)
def home(request):
    employer = selectors.employer_of(user=request.user)
    return render(request, "registry/portal/home.html", {"employer": employer})
