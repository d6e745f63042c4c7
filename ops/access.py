"""Who may open /healthz, /readyz and /metrics without signing in: the configured networks only."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from audit.request import request_address

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def probe_allowed(request: HttpRequest) -> bool:
    """Whether the client (behind REGISTRY_TRUSTED_PROXY_COUNT proxies) is in
    REGISTRY_HEALTH_ALLOWED_NETWORKS. Everyone else is told the page does not exist."""
    address = request_address(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(tuple(settings.REGISTRY_HEALTH_ALLOWED_NETWORKS)))
