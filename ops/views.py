"""/healthz, /readyz and /metrics for load balancers and Prometheus; the scheduled jobs page for staff."""

from __future__ import annotations

import os

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from accounts.permissions import role_required
from accounts.roles import Role
from ops import health, selectors
from ops.access import probe_allowed
from ops.metrics import collector


def _probe_response(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up. Touches nothing else: no database, no session, no cache."""
    if not probe_allowed(request):
        return _probe_response(HttpResponse(status=404))
    return _probe_response(JsonResponse({"status": "ok"}))


def readyz(request: HttpRequest) -> HttpResponse:
    """Each dependency checked (ops.health); 200 when every required check passes, else 503."""
    if not probe_allowed(request):
        return _probe_response(HttpResponse(status=404))
    ready, checks = health.run_checks()
    body = {"status": "ok" if ready else "failed", "checks": checks}
    return _probe_response(
        JsonResponse(body, status=200 if ready else 503, json_dumps_params={"ensure_ascii": False})
    )


def _registry() -> CollectorRegistry:
    """The default registry, or with several processes (PROMETHEUS_MULTIPROC_DIR, gunicorn workers) the
    multiprocess one that sums every process's request series; the registry's own series join either."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(collector)
    return registry


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format: django-prometheus's request series and the registry's (ops.metrics)."""
    if not probe_allowed(request):
        return _probe_response(HttpResponse(status=404))
    return _probe_response(HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST))


@role_required(Role.ASSOCIATION)
def jobs(request: HttpRequest) -> HttpResponse:
    """Every scheduled job: schedule, last run, what it did, next run; missed or failed ones warned."""
    statuses = selectors.jobs_status()
    context = {
        **admin.site.each_context(request),
        "title": _("Scheduled jobs"),
        "jobs": statuses,
        "attention": [job for job in statuses if job.needs_attention],
        "grace_minutes": int(selectors.grace().total_seconds() // 60),
        "now": timezone.now(),
    }
    return render(request, "ops/jobs.html", context)
