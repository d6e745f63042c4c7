"""System checks of the ops settings: a mistyped network would otherwise fail only on the first probe."""

import ipaddress

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def health_networks_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for item in settings.REGISTRY_HEALTH_ALLOWED_NETWORKS:
        try:
            ipaddress.ip_network(item.strip(), strict=False)
        except ValueError:
            errors.append(
                checks.Error(
                    f"REGISTRY_HEALTH_ALLOWED_NETWORKS: {item!r} is not an address or network (CIDR).",
                    id="ops.E001",
                )
            )
    if settings.LOG_FORMAT not in ("json", "plain"):
        errors.append(
            checks.Error(f"LOG_FORMAT must be json or plain, not {settings.LOG_FORMAT!r}.", id="ops.E002")
        )
    return errors
