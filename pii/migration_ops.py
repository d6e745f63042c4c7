"""Encrypting (and, backwards, decrypting) existing rows in a data migration, in raw SQL.

Raw SQL on purpose: a migration must not depend on today's model classes, and the historical model's
field would try to decrypt the plain values it is about to encrypt. Rows already encrypted are left as
they are, so running a step twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from . import crypto

CHUNK = 1000
# A digest column: (column name, purpose, transform of the plain value).
Digest = tuple[str, str, Callable[[str], str]]


def _rows(connection, table: str, columns: list[str]):
    quote = connection.ops.quote_name
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608
                f"WHERE id > %s ORDER BY id LIMIT {CHUNK}",
                [last],
            )
            chunk = cursor.fetchall()
        if not chunk:
            return
        yield from chunk
        last = chunk[-1][0]


def _update(connection, table: str, pk: int, values: dict[str, str | None]) -> None:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = %s" for c in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
            [*values.values(), pk],
        )


def encrypt_columns(connection, table: str, columns: list[str], digests: dict[str, list[Digest]]) -> None:
    """Encrypt `columns` of every row of `table`; fill each source column's digest columns."""
    for row in _rows(connection, table, columns):
        pk, values = row[0], dict(zip(columns, row[1:], strict=True))
        update: dict[str, str | None] = {}
        for column, value in values.items():
            plain = crypto.decrypt(value) if value and crypto.is_encrypted(value) else (value or "")
            if value and not crypto.is_encrypted(value):
                update[column] = crypto.encrypt(plain)
            for digest_column, purpose, transform in digests.get(column, []):
                key = transform(plain)
                update[digest_column] = crypto.blind_index(key, purpose=purpose) if key else None
        if update:
            _update(connection, table, pk, update)


def decrypt_columns(connection, table: str, columns: list[str], digests: dict[str, list[Digest]]) -> None:
    """The reverse: plain values back (the digest columns go with the schema step that added them)."""
    for row in _rows(connection, table, columns):
        pk, values = row[0], dict(zip(columns, row[1:], strict=True))
        update: dict[str, str | None] = {}
        for column, value in values.items():
            if value and crypto.is_encrypted(value):
                update[column] = crypto.decrypt(value)
        if update:
            _update(connection, table, pk, update)
