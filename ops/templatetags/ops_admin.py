"""The admin index warns association staff when a scheduled job missed its window or failed."""

from django import template

from accounts.roles import Role
from ops import selectors

register = template.Library()


@register.inclusion_tag("admin/ops/jobs_banner.html", takes_context=True)
def scheduled_jobs_banner(context: template.Context) -> dict:
    """A warning naming the jobs that need attention, with a link to the jobs page (two queries)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_superuser or user.has_role(Role.ASSOCIATION)):
        return {"jobs": []}
    return {"jobs": [job for job in selectors.jobs_status() if job.needs_attention]}
