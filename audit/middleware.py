"""The request being served, for audit rows written by services (which never receive the request).

A service records `by=user`; the address the act came from is part of an MLPS audit record too. This
middleware makes the current request known to `audit_log` for the duration of the request only
(a context variable: per thread and per asynchronous task), so a row written by a service in a web
request carries the client's address, and one written by a scheduled job carries none.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def current_request() -> HttpRequest | None:
    return _current.get()


class AuditRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
