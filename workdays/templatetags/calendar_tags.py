"""The admin's warning that a year's working-day schedule is not entered yet."""

from django import template
from django.utils import timezone

from workdays import selectors

register = template.Library()


@register.inclusion_tag("admin/workdays/calendar_banner.html", takes_context=True)
def calendar_banner(context: template.Context) -> dict:
    """From 1 November, warn the admin users who count deadlines while next year is provisional (this
    year too, if it is).

    Deadlines counted into such a year are only provisional until its schedule is published and
    entered; the link takes the user to the year view, where it can be entered.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return {"year": None}
    # Only the roles that work with deadlines (the association, which keeps the calendar) are warned; the
    # training centre and the auditor count no deadlines.
    if not user.has_perm("workdays.change_calendarday"):
        return {"year": None}
    year = selectors.calendar_provisional_year_to_warn(today=timezone.localdate())
    can_view = year is not None and user.has_perm("workdays.view_calendaryear")
    return {"year": year, "can_view": can_view}
