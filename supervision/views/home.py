from django.shortcuts import render

from accounts.permissions import role_required
from accounts.roles import Role


@role_required(Role.INSPECTOR, Role.BUREAU)
def home(request):
    return render(request, "supervision/home.html")
