"""What every continuing-education page of the portal shares: the employer, its rows, the years."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from registry.views.portal import _own_employer
from training import selectors
from training.models import Activity

YEARS_SHOWN = 6  # this year and the five before: a registration period


def own_employer(request):
    """The signed-in clerk's employer; 404 for a user linked to none."""
    return _own_employer(request)


def years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - YEARS_SHOWN, -1))


def own_activity(request, pk: int, *, recorded_by_us: bool = False):
    """(employer, activity) for an activity the employer sees; 404 for any other. With `recorded_by_us`,
    only one its own clerk recorded (where it may add participants)."""
    employer = own_employer(request)
    activities = selectors.employer_activities(employer=employer)
    if recorded_by_us:
        activities = Activity.objects.filter(employer=employer)
    return employer, get_object_or_404(activities, pk=pk)


def own_entry(request, pk: int):
    employer = own_employer(request)
    return employer, get_object_or_404(selectors.employer_participations(employer=employer), pk=pk)
