"""SMS backends, chosen by settings.SMS_BACKEND (a dotted path), like Django's e-mail backends.

A real gateway is a class with `send(*, to, body)` that raises on failure; none is bundled because the
association has not chosen a provider. The default logs the message (resident ID numbers masked) so the
embedded set-up and the demo show what would be sent.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from people.validators import redact_resident_ids

logger = logging.getLogger(__name__)


class SMSBackend(Protocol):
    def send(self, *, to: str, body: str) -> None:
        """Deliver `body` to the mobile number `to`, or raise."""


class LoggingSMSBackend:
    """Writes each message to the `registry.sms` logger instead of sending it."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(to), redact_resident_ids(body))


# Messages the locmem backend "sent", oldest first, for tests (like django.core.mail.outbox).
outbox: list[tuple[str, str]] = []


class LocmemSMSBackend:
    """Keeps messages in `registry.sms.outbox`: the test settings' backend."""

    def send(self, *, to: str, body: str) -> None:
        outbox.append((to, body))


def get_sms_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()


def mask_phone(number: str) -> str:
    """`13912345678` → `139****5678`."""
    digits = number.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
