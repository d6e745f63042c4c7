"""The request id of every request, and the probes answered before the site's own middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ops import views
from ops.logs import new_request_id, request_id_var, safe_request_id

HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Takes X-Request-ID from the trusted reverse proxy (only when REGISTRY_TRUSTED_PROXY_COUNT says there
    is one, and only a short id of safe characters), or makes one; every log record of the request carries
    it (ops.logs), the tasks it enqueues carry it (ops.signals), and the response returns it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID") if settings.REGISTRY_TRUSTED_PROXY_COUNT > 0 else None
        request_id = safe_request_id(given) or new_request_id()
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class ProbeMiddleware:
    """/healthz, /readyz and /metrics answered here, ahead of the HTTPS redirect, sessions, sign-in, the
    second factor and the friendly 404 page: a load balancer or Prometheus has no session, and /healthz
    must touch neither the session nor the database. The views check the caller's address themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.probes: dict[str, Callable[[HttpRequest], HttpResponse]] = {
            "/healthz": views.healthz,
            "/readyz": views.readyz,
            "/metrics": views.metrics,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.probes.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
