"""The benchmark server's URLs: the whole site, plus the minimal view figure 6 compares against.

Only config.settings.bench routes here, so the minimal view never exists in a real deployment.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def minimal(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: the same middleware, no template, no database, no cache."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("config.urls")),
]
