"""Retention of the audit trail: audit events past the retention period go to a file, then leave the table.

MLPS 2.0 level 3 asks that audit records be kept at least six months (REGISTRY_AUDIT_RETENTION_DAYS, at
least 180; docs/decisions/0070-audit-retention.md). `audit_archive` moves the oldest events — a prefix of
the chain, so `audit_verify` keeps passing on what remains — to a JSON Lines file that holds every column
and the chain values, so the archive itself can be verified with the chain key (`archive_verify`).
Workflow transitions (registry.AuditEntry) are the applications' case history and are not archived.

In one transaction: take the chain's lock, check the chain of the rows to archive (a broken chain is
never archived away), write and sync the file, append an event recording the archive (the file's name
and checksum, and the last archived hash the remaining chain continues from), and delete the rows with
the PostgreSQL append-only trigger lifted for this transaction only (pgtrigger.ignore).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pgtrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.chain import Break, chain_lock, row_hash
from audit.checks import MINIMUM_RETENTION_DAYS
from audit.models import Action, AuditEvent
from audit.services import audit_log

TRIGGER = "audit.AuditEvent:auditevent_append_only"
CHUNK = 2000
CHAIN_COLUMNS = ("key_id", "prev_hash", "hash")


@dataclass(frozen=True)
class ArchiveResult:
    count: int
    before: dt.datetime
    path: Path | None = None
    first_id: int | None = None
    last_id: int | None = None
    sha256: str = ""
    last_hash: str = ""


def retention_days() -> int:
    days = settings.REGISTRY_AUDIT_RETENTION_DAYS
    if days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(f"REGISTRY_AUDIT_RETENTION_DAYS must be at least {MINIMUM_RETENTION_DAYS}")
    return days


def retention_limit(*, now: dt.datetime | None = None) -> dt.datetime:
    """Events at or after this instant are within the retention period and are kept."""
    return (now or timezone.now()) - dt.timedelta(days=retention_days())


def archive_line(event: AuditEvent) -> dict[str, Any]:
    """One archived row: its id, the content the chain hashes, and the chain values."""
    return {"id": event.pk, **event.chain_content(), **{c: getattr(event, c) for c in CHAIN_COLUMNS}}


def event_from_line(line: dict[str, Any]) -> AuditEvent:
    """An unsaved AuditEvent as archived (for verifying an archive file)."""
    at = dt.datetime.fromisoformat(line["at"]) if line.get("at") else None
    return AuditEvent(
        pk=line["id"],
        at=at,  # type: ignore[misc]  # an archived row without a time fails verification, as it should
        actor_id=line["actor"],
        actor_label=line["actor_label"],
        is_system=line["is_system"],
        action=line["action"],
        target_type=line["target_type"],
        target_id=line["target_id"],
        target_label=line["target_label"],
        ip=line["ip"],
        detail=line["detail"],
        **{c: line[c] for c in CHAIN_COLUMNS},
    )


def chain_check(events: Iterable[AuditEvent]) -> Iterator[AuditEvent | Break]:
    """Yield each event that follows from the one before; yield a Break instead and stop at the first
    that does not. The first event's prev_hash is taken as given (an earlier archive holds its parent)."""
    prev: str | None = None
    for event in events:
        if prev is not None and event.prev_hash != prev:
            yield Break(event.pk, "prev_hash")
            return
        try:
            expected = row_hash(key_id=event.key_id, prev_hash=event.prev_hash, content=event.chain_content())
        except ImproperlyConfigured:
            yield Break(event.pk, "unknown_key")
            return
        if not hmac.compare_digest(expected, event.hash):
            yield Break(event.pk, "hash")
            return
        prev = event.hash
        yield event


def _rows(last_id: int) -> Iterator[AuditEvent]:
    after = 0
    while True:
        chunk = list(AuditEvent.objects.filter(pk__gt=after, pk__lte=last_id).order_by("pk")[:CHUNK])
        if not chunk:
            return
        yield from chunk
        after = chunk[-1].pk


def _refuse_young(before: dt.datetime, limit: dt.datetime) -> None:
    if before > limit:
        raise ValidationError(
            _(
                "Audit events are kept for %(days)d days: only events before %(limit)s may be archived, "
                "so nothing was archived."
            )
            % {"days": retention_days(), "limit": timezone.localtime(limit).strftime("%Y-%m-%d %H:%M")},
            code="within_retention",
        )


def audit_archive(
    *, before: dt.datetime | None = None, directory: Path | None = None, now: dt.datetime | None = None
) -> ArchiveResult:
    """Archive the events before `before` (default: the retention limit) that form the chain's prefix.

    The prefix ends at the first event kept: an older event recorded after a younger one (a clock step,
    concurrent writers) stays until the next run. Refuses a `before` within the retention period and
    a chain that does not verify; either way nothing is written or deleted.
    """
    limit = retention_limit(now=now)
    before = before or limit
    _refuse_young(before, limit)
    directory = Path(directory or settings.REGISTRY_AUDIT_ARCHIVE_DIR)

    with transaction.atomic():
        chain_lock(AuditEvent)
        first_kept = AuditEvent.objects.filter(at__gte=before).order_by("pk").values_list("pk", flat=True)
        boundary = first_kept.first()
        prefix = AuditEvent.objects.all() if boundary is None else AuditEvent.objects.filter(pk__lt=boundary)
        span = prefix.order_by("pk").values_list("pk", flat=True)
        first_id, last_id = span.first(), span.last()
        if first_id is None or last_id is None:
            return ArchiveResult(count=0, before=before)

        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        final = directory / f"auditevent-{first_id:012d}-{last_id:012d}.jsonl"
        partial = final.with_suffix(".partial")
        if final.exists():
            raise ValidationError(
                _("The archive file %(name)s already exists; nothing was archived.") % {"name": final.name},
                code="exists",
            )
        digest = hashlib.sha256()
        count, last_hash = 0, ""
        try:
            with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640), "wb") as out:
                for item in chain_check(_rows(last_id)):
                    if isinstance(item, Break):
                        raise ValidationError(
                            _(
                                "The audit chain does not verify at event %(pk)s; nothing was archived. "
                                "Run `manage.py audit_verify` and investigate first."
                            )
                            % {"pk": item.pk},
                            code="broken",
                        )
                    line = (
                        json.dumps(archive_line(item), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"
                    ).encode()
                    out.write(line)
                    digest.update(line)
                    count += 1
                    last_hash = item.hash
                out.flush()
                os.fsync(out.fileno())
            os.link(partial, final)  # refuses to replace a file that appeared meanwhile
        finally:
            partial.unlink(missing_ok=True)

        result = ArchiveResult(
            count=count,
            before=before,
            path=final,
            first_id=first_id,
            last_id=last_id,
            sha256=digest.hexdigest(),
            last_hash=last_hash,
        )
        audit_log(
            action=Action.AUDIT_ARCHIVED,
            system=True,
            target=AuditEvent,
            detail={
                "count": count,
                "first_id": first_id,
                "last_id": last_id,
                "before": before,
                "path": final.name,
                "sha256": result.sha256,
                "last_hash": last_hash,
            },
        )
        # The marker is appended first, so that it follows the table's last row even when every row goes.
        with pgtrigger.ignore(TRIGGER):
            AuditEvent.objects.filter(pk__lte=last_id).delete()
    return result


@dataclass(frozen=True)
class ArchiveCheck:
    count: int
    broken: Break | None
    first_prev_hash: str
    last_hash: str


def archive_verify(path: Path) -> ArchiveCheck:
    """Check an archive file's chain with the configured keys (every key that signed it must be listed)."""
    count, first_prev, last_hash = 0, "", ""

    def events() -> Iterator[AuditEvent]:
        with open(path, encoding="utf-8") as lines:
            for raw in lines:
                if raw.strip():
                    yield event_from_line(json.loads(raw))

    for item in chain_check(events()):
        if isinstance(item, Break):
            return ArchiveCheck(count, item, first_prev, last_hash)
        if count == 0:
            first_prev = item.prev_hash
        count += 1
        last_hash = item.hash
    return ArchiveCheck(count, None, first_prev, last_hash)
