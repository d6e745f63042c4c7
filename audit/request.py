"""The address a request came from, as the trusted reverse proxies saw it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def request_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or with REGISTRY_TRUSTED_PROXY_COUNT = N the Nth address of X-Forwarded-For from the
    right: anything left of it was written by the client and is not trusted. None when not an address."""
    proxies: int = settings.REGISTRY_TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
