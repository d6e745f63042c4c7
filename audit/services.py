"""The one way AuditEvent rows are written (the workflow's transitions go through registry/services/audit.py).

Call `audit_log` inside the transaction of the change it records, so that both commit or neither does. A
detail must never hold a resident ID number or a phone number in clear: name the record, not its content.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit.chain import Break, chain_append, chain_verify
from audit.middleware import current_request
from audit.models import Action, AuditEvent, ChainedRecord
from audit.redact import redact, redact_value
from audit.request import request_address

logger = logging.getLogger(__name__)


def audit_log(
    *,
    action: Action | str,
    actor: Any = None,
    request: HttpRequest | None = None,
    target: models.Model | type[models.Model] | None = None,
    target_label: str | None = None,
    actor_label: str | None = None,
    detail: dict[str, Any] | None = None,
    system: bool = False,
) -> AuditEvent:
    """Append one event.

    The actor is `actor`, else the request's signed-in user; with neither (a failed sign-in) the row names
    no one and `actor_label` says who was tried. `system=True` records the system's own act (a scheduled
    job) and names no one. Without `request`, a row written while a web request is served (by a service)
    takes that request's address (audit.middleware). The label and the detail are redacted
    (audit/redact.py): a resident ID or mobile number in them is stored masked.
    """
    if request is None and not system:
        request = current_request()
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    if system:
        actor = None
    if actor_label is None:
        actor_label = actor.get_username() if actor is not None else ""
    target_type = target_id = ""
    if isinstance(target, type):  # a kind of record, not one record (e.g. an import into a catalogue)
        target_type = target._meta.label_lower
        if target_label is None:
            target_label = str(target._meta.verbose_name_plural)
    elif target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        if target_label is None:
            target_label = str(target)
    event = chain_append(
        AuditEvent,
        action=str(action),
        actor=actor,
        actor_label=actor_label[:150],
        is_system=system,
        target_type=target_type,
        target_id=target_id,
        target_label=redact(target_label or "")[:200],
        ip=request_address(request) if request is not None else None,
        detail=redact_value(detail or {}),
    )
    assert isinstance(event, AuditEvent)
    return event


@dataclass(frozen=True)
class ChainCheck:
    table: str
    count: int
    broken: Break | None

    def message(self) -> str:
        if self.broken is None:
            return _("%(table)s: chain intact, %(count)d rows") % {"table": self.table, "count": self.count}
        reasons = {
            "prev_hash": _("does not follow the row before it (a row was removed or inserted)"),
            "hash": _("does not match its hash (the row was changed)"),
            "unknown_key": _("was signed with a key that is not configured"),
        }
        return _("%(table)s: row %(pk)s %(reason)s; the %(count)d rows before it are intact") % {
            "table": self.table,
            "pk": self.broken.pk,
            "reason": reasons[self.broken.reason],
            "count": self.count,
        }


def chained_models() -> list[type[ChainedRecord]]:
    return [m for m in apps.get_models() if issubclass(m, ChainedRecord)]


def audit_chains_verify() -> Iterator[ChainCheck]:
    """Check every chained table; log a break as CRITICAL (monitoring alerts on it)."""
    for model in chained_models():
        count, broken = chain_verify(model)
        result = ChainCheck(table=model._meta.db_table, count=count, broken=broken)
        if broken is not None:
            logger.critical("audit chain broken: %s row %s (%s)", result.table, broken.pk, broken.reason)
        yield result
