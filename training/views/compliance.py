"""Portal: the employer's yearly compliance list (training.rules through training.selectors)."""

from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import role_required
from accounts.roles import Role
from training import rules, selectors
from training.forms import YearForm

from .common import own_employer, years


@role_required(Role.ENTERPRISE)
def compliance(request):
    """Each holder's year: hours required (pro rata), confirmed, professional, awaiting confirmation, and
    complies or what is still missing. Those short of hours first; optionally only them."""
    employer = own_employer(request)
    form = YearForm(request.GET or None, years=years())
    year = form.year_or(timezone.localdate().year)
    short_only = form.short_only()
    lines = selectors.employer_compliance(employer=employer, year=year, short_only=short_only)
    return render(
        request,
        "training/portal/compliance.html",
        {
            "employer": employer,
            "form": form,
            "year": year,
            "short_only": short_only,
            "lines": lines,
            "short_count": sum(1 for line in lines if not line.row.complies),
            "yearly_hours": rules.YEARLY_HOURS,
        },
    )
