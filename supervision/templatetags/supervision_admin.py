"""The admin index tells association staff which measures on certificates await them."""

from django import template
from django.urls import reverse

from supervision.models import CERTIFICATE_MEASURES, Measure, MeasureState

register = template.Library()


@register.inclusion_tag("admin/supervision/measures_banner.html", takes_context=True)
def measures_banner(context: template.Context) -> dict:
    """Suspensions and revocations ordered on spot checks and not yet carried out, for those who carry
    them out (supervision.change_measure); one query, on the index only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("supervision.change_measure"):
        return {"count": 0}
    count = Measure.objects.filter(kind__in=CERTIFICATE_MEASURES, state=MeasureState.OPEN).count()
    url = reverse("admin:supervision_measure_changelist") + f"?state__exact={MeasureState.OPEN}"
    return {"count": count, "url": url}
