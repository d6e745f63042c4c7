"""The keyed hash chain that makes tampering with an audit table detectable.

Every row of a chained table stores `prev_hash` (the previous row's `hash`) and its own `hash`, an
HMAC-SHA256 over the previous hash and the row's canonical content, under a key that is configured
(`REGISTRY_AUDIT_CHAIN_KEYS`), never stored in the database. Editing, deleting or inserting a row in the
middle breaks the chain at that row; recomputing the chain needs the key. Rows are appended one writer at
a time per table (a transaction-scoped advisory lock on PostgreSQL; SQLite runs one writer at a time), so
the chain's order is the order of the ids.

`python manage.py audit_verify` walks every chained table and names the first row that does not fit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from common.copy_insert import copy_insert, unsaved

if TYPE_CHECKING:
    from audit.models import ChainedRecord

GENESIS = "0" * 64


def chain_keys() -> dict[str, bytes]:
    """The configured keys by id; the first one signs new rows, all of them verify old ones."""
    keys: dict[str, bytes] = {}
    for item in settings.REGISTRY_AUDIT_CHAIN_KEYS:
        key_id, sep, secret = item.partition("=")
        if not sep or not key_id.strip() or len(secret.strip()) < 16:
            raise ImproperlyConfigured(
                "REGISTRY_AUDIT_CHAIN_KEYS: each key is id=secret with a secret of at least 16 characters"
            )
        keys[key_id.strip()] = secret.strip().encode()
    if not keys:
        raise ImproperlyConfigured("REGISTRY_AUDIT_CHAIN_KEYS is empty")
    return keys


def current_key_id() -> str:
    return next(iter(chain_keys()))


def normalise_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail as the database will give it back (dates as strings, keys as strings): what is hashed."""
    if not detail:
        return {}
    return json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(*, key_id: str, prev_hash: str, content: dict[str, Any]) -> str:
    key = chain_keys().get(key_id)
    if key is None:
        raise ImproperlyConfigured(f"REGISTRY_AUDIT_CHAIN_KEYS has no key {key_id!r}")
    return _keyed_hash(key, prev_hash, content)


def _keyed_hash(key: bytes, prev_hash: str, content: dict[str, Any]) -> str:
    message = prev_hash.encode() + b"\n" + canonical(content)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def chain_lock(model: type[ChainedRecord]) -> None:
    """One appender (or archiver) at a time per table until the transaction ends (PostgreSQL; SQLite is
    serial)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            key = f"audit-chain:{model._meta.db_table}"
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _last_hash(model: type[ChainedRecord]) -> str:
    last = model._default_manager.order_by("-pk").values_list("hash", flat=True).first()
    return last or GENESIS


def chain_append(model: type[ChainedRecord], **fields: Any) -> ChainedRecord:
    """Insert one row of `model` at the end of its chain."""
    return chain_append_many(model, [fields])[0]


def chain_append_many(
    model: type[ChainedRecord], rows: Iterable[dict[str, Any]], *, copy: bool = False
) -> list[ChainedRecord]:
    """Insert rows at the end of the chain, in order, with one INSERT (or, `copy` on PostgreSQL, one COPY
    with ids drawn from the table's sequence in ascending order: the same rows, faster by the million)."""
    # No savepoint: a failed insert fails the caller's transaction anyway, and two queries a row are saved.
    with transaction.atomic(savepoint=False):
        copying = copy and connection.vendor == "postgresql"
        # For COPY, instances built without Model.__init__ (common.copy_insert.unsaved): millions of rows.
        objects = chain_seal(model, [unsaved(model, f) if copying else model(**f) for f in rows])
        if copying:
            copy_insert(model, objects)
        elif len(objects) == 1:
            objects[0].save(force_insert=True)
        else:
            model._default_manager.bulk_create(objects)
        return objects


def chain_seal(model: type[ChainedRecord], objects: list[ChainedRecord]) -> list[ChainedRecord]:
    """Set the chain columns of unsaved `objects`, to be inserted in this order in this transaction.

    The first half of `chain_append_many`, which every writer calls (through the audit services; a test,
    tests/audit/test_audit_write_paths.py, fails if audit rows are written anywhere else).
    """
    chain_lock(model)
    prev = _last_hash(model)
    key_id = current_key_id()
    key = chain_keys()[key_id]  # parsed once, not per row
    for obj in objects:
        detail = getattr(obj, "detail", None)
        if detail is not None:
            obj.detail = normalise_detail(detail)  # type: ignore[attr-defined]
        obj.key_id = key_id
        obj.prev_hash = prev
        obj.hash = _keyed_hash(key, prev, obj.chain_content())
        prev = obj.hash
    return objects


@dataclass(frozen=True)
class Break:
    """The first row where a chain does not hold, and why."""

    pk: int
    reason: str


def chain_verify(model: type[ChainedRecord], *, chunk_size: int = 2000) -> tuple[int, Break | None]:
    """Walk the table in id order; return how many rows hold and the first break, if any.

    The oldest remaining row's `prev_hash` is taken as given, so archiving old rows (retention) does not
    break the chain; every later row must follow from the one before.
    """
    count = 0
    prev: str | None = None
    for obj in _rows(model, chunk_size):
        if prev is not None and obj.prev_hash != prev:
            return count, Break(obj.pk, "prev_hash")
        try:
            expected = row_hash(key_id=obj.key_id, prev_hash=obj.prev_hash, content=obj.chain_content())
        except ImproperlyConfigured:
            return count, Break(obj.pk, "unknown_key")
        if not hmac.compare_digest(expected, obj.hash):
            return count, Break(obj.pk, "hash")
        prev = obj.hash
        count += 1
    return count, None


def _rows(model: type[ChainedRecord], chunk_size: int) -> Iterator[ChainedRecord]:
    last = 0
    while True:
        chunk = list(model._default_manager.filter(pk__gt=last).order_by("pk")[:chunk_size])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk
