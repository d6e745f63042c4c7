"""A circuit breaker: after a shared service (the Celery broker, the shared cache) fails, this process goes
on without it for a few seconds instead of paying the connection timeout again on every call.

One breaker per service and process. It only saves waiting: whatever is skipped while it is open is what
a failed call would have lost anyway, and the callers are built so that nothing is lost (the outbox and
PDF sweeps; a cache miss). docs/decisions/0051-redis-outages.md.
"""

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, name: str, *, cooldown: float | None = None) -> None:
        self.name = name
        self._cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def cooldown(self) -> float:
        if self._cooldown is not None:
            return self._cooldown
        return float(settings.REDIS_RETRY_SECONDS)

    def available(self) -> bool:
        """Whether to try the service now: it has not failed in the last `cooldown` seconds."""
        return time.monotonic() >= self._open_until

    def failed(self, error: BaseException) -> None:
        """The service failed: go on without it for `cooldown` seconds. Logged once per opening."""
        with self._lock:
            was_closed = self._open_until == 0.0
            self._open_until = time.monotonic() + self.cooldown
        if was_closed:
            logger.error(
                "%s unavailable (%s: %s); going on without it, retrying every %.0f s",
                self.name,
                type(error).__name__,
                error,
                self.cooldown,
            )

    def succeeded(self) -> None:
        if self._open_until == 0.0:
            return
        with self._lock:
            self._open_until = 0.0
        logger.warning("%s available again", self.name)

    def reset(self) -> None:
        """Forget past failures (tests; an operator's restart does the same)."""
        with self._lock:
            self._open_until = 0.0
