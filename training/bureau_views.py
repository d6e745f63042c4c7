"""The bureau's page on continuing education (role `bureau`): aggregates by year and prefecture only, no
person's name or number (training/aggregates.py)."""

from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import role_required
from accounts.roles import Role

from .aggregates import compliance_aggregates

YEARS_SHOWN = 5


@role_required(Role.BUREAU)
def compliance(request):
    """The chosen year (`?year=`, one of the last YEARS_SHOWN; anything else shows this year) by
    prefecture, and each year's totals."""
    this_year = timezone.localdate().year
    years = list(range(this_year - YEARS_SHOWN + 1, this_year + 1))
    chosen = request.GET.get("year", "")
    year = int(chosen) if chosen.isascii() and chosen.isdigit() and int(chosen) in years else this_year
    aggregates = compliance_aggregates(years=years)
    return render(
        request,
        "training/reports/compliance.html",
        {
            "aggregates": list(reversed(aggregates)),
            "chosen": next(a for a in aggregates if a.year == year),
        },
    )
