"""The benchmark server's URLs: the whole site, plus figure 6's minimal view and figure 2's plain admin.

Only config.settings.bench routes here, so the minimal view never exists in a real deployment.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from bench.baseline_admin import site as baseline_site


def minimal(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: the same middleware, no template, no database, no cache."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("bench-baseline/", baseline_site.urls),  # figure 2's plain ModelAdmin
    path("", include("config.urls")),
]
