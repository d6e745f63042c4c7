"""System checks for the registry's own deployment needs."""

from typing import Any

from django.conf import settings
from django.core import checks

_NOT_SHARED = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.db.DatabaseCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def check_rate_limit_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Rate limits on /verify/ count in the default cache: per process unless it is shared (Redis)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in _NOT_SHARED:
        return [
            checks.Warning(
                f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between processes, so the "
                "public verification page's rate limits are per process and multiply with the workers.",
                hint="Set CACHE_URL=redis://HOST:6379/1.",
                id="registry.W001",
            )
        ]
    return []
