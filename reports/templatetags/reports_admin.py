"""The admin index shows association staff the way to the yearly reports, and last year's when it is due."""

from django import template
from django.utils import timezone

from accounts.roles import Role
from reports import selectors

register = template.Library()


@register.inclusion_tag("admin/reports/annual_banner.html", takes_context=True)
def annual_reports_banner(context: template.Context) -> dict:
    """A link to /reports/annual/ for association staff; the previous year's row when it is not submitted
    yet (two queries, on the index only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_superuser or user.has_role(Role.ASSOCIATION)):
        return {"show": False}
    today = timezone.localdate()
    pending = None
    if today.year - 1 >= selectors.first_year():
        row = selectors.year_row(today.year - 1, today)
        pending = None if row.standing else row
    return {"show": True, "pending": pending}
