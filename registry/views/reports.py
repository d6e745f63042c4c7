"""Pages for the market supervision bureau (role `bureau`): summaries, never personal details."""

from django.shortcuts import render

from accounts.permissions import role_required
from accounts.roles import Role
from people import selectors as people_selectors


@role_required(Role.BUREAU)
def home(request):
    rows = people_selectors.employer_counts_by_prefecture()
    totals = {
        key: sum(row[key] for row in rows) for key in ("total", "active", "pending", "suspended", "refused")
    }
    return render(request, "registry/reports/home.html", {"rows": rows, "totals": totals})
