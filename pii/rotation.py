"""Key rotation for personal data at rest: every encrypted value under the first key, every index current.

`rotate(model)` walks a model's table in primary-key order, in chunks, and
- re-encrypts each EncryptedCharField value that the first key of REGISTRY_FIELD_ENCRYPTION_KEYS cannot
  decrypt on its own (it was written under an older key);
- recomputes each BlindIndexField whose stored digest is not the one the current REGISTRY_BLIND_INDEX_KEY
  gives (the index key was changed).

It works on the stored values in SQL, not through the model, so nothing is encrypted twice, and each update
is conditional on the stored ciphertext being the one read: a row changed meanwhile by the application was
written under the current keys anyway and is left alone. Running it again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model

from . import crypto
from .fields import BlindIndexField, EncryptedCharField
from .migration_ops import CHUNK


@dataclass
class Rotated:
    model: str
    rows: int = 0
    reencrypted: Counter = field(default_factory=Counter)
    reindexed: Counter = field(default_factory=Counter)

    @property
    def changes(self) -> int:
        return sum(self.reencrypted.values()) + sum(self.reindexed.values())


def protected_models() -> list[type[Model]]:
    """Every installed model with an encrypted field."""
    return [
        model
        for model in apps.get_models()
        if any(isinstance(f, EncryptedCharField) for f in model._meta.concrete_fields)
    ]


def rotate(model: type[Model], *, dry_run: bool = False) -> Rotated:
    opts = model._meta
    encrypted = [f for f in opts.concrete_fields if isinstance(f, EncryptedCharField)]
    indexes = [f for f in opts.concrete_fields if isinstance(f, BlindIndexField)]
    columns = [f.column for f in encrypted] + [f.column for f in indexes]
    quote = connection.ops.quote_name
    table, pk = quote(opts.db_table), quote(opts.pk.column)
    done = Rotated(model=opts.label_lower)
    last = None
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                where = f"WHERE {pk} > %s " if last is not None else ""
                cursor.execute(
                    f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {table} "  # noqa: S608
                    f"{where}ORDER BY {pk} LIMIT {CHUNK}",
                    [last] if last is not None else [],
                )
                chunk = cursor.fetchall()
            if not chunk:
                return done
            for row in chunk:
                done.rows += 1
                stored = dict(zip(columns, row[1:], strict=True))
                plain = {
                    f.attname: crypto.decrypt(stored[f.column]) if stored[f.column] else stored[f.column]
                    for f in encrypted
                }
                update = {}
                for f in encrypted:
                    token = stored[f.column]
                    if token and not crypto.encrypted_under_current_key(token):
                        update[f.column] = crypto.reencrypt(token)
                        done.reencrypted[f.name] += 1
                for f in indexes:
                    digest = f.digest(plain.get(f.source))
                    if digest != stored[f.column]:
                        update[f.column] = digest
                        done.reindexed[f.name] += 1
                if update and not dry_run:
                    _update_if_unchanged(
                        table, pk, row[0], update, {f.column: stored[f.column] for f in encrypted}
                    )
            last = chunk[-1][0]


def _update_if_unchanged(table: str, pk: str, key, update: dict, expected: dict) -> None:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = %s" for c in update)
    conditions = " AND ".join(
        f"{quote(c)} = %s" if value is not None else f"{quote(c)} IS NULL" for c, value in expected.items()
    )
    params = [*update.values(), key, *(v for v in expected.values() if v is not None)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
            + (f" AND {conditions}" if conditions else ""),
            params,
        )
