"""Insert many unsaved model instances with PostgreSQL's COPY, writing exactly what the ORM would write.

`bulk_create` builds one multi-row INSERT per batch: Django renders every parameter into SQL, PostgreSQL
parses and plans it. COPY streams rows to the server, which is several times faster for millions of rows
(bench.generate writes 1,000,000 applications with it). The rows are still the ORM's:

- primary keys are allocated from the table's own sequence in one statement
  (`SELECT nextval(...) FROM generate_series(1, n)`), in ascending order, and set on the instances, so
  later rows can refer to them (foreign keys) and an id-ordered chain (audit/chain.py) keeps its order;
- every column's value is the field's own `pre_save` + `get_db_prep_save` (defaults, `auto_now_add`,
  encryption, blind-index digests, JSON), as `Model.save` and `bulk_create` compute it.

What COPY does not do: `save()` overrides and signals are not called (bulk_create does not call them
either), and the instances come back marked as saved. PostgreSQL only: callers keep bulk_create for other
databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=models.Model)


def copy_insert(model: type[M], objects: Sequence[M], *, using: str = "default") -> Sequence[M]:
    """Insert `objects` (unsaved instances of `model`) in their order with one COPY; return them, saved."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise NotImplementedError("copy_insert needs PostgreSQL; use bulk_create elsewhere")
    if not objects:
        return objects
    opts = model._meta
    pk = opts.pk
    assert pk is not None
    fields = list(opts.concrete_fields)
    with connection.cursor() as cursor:
        if isinstance(pk, AutoFieldMixin) and any(obj.pk is None for obj in objects):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
                [connection.ops.quote_name(opts.db_table), pk.column, len(objects)],
            )
            ids = iter(row[0] for row in cursor.fetchall())
            for obj in objects:
                if obj.pk is None:
                    obj.pk = next(ids)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(field.column)) for field in fields)
        statement = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"
        first = _sample(objects[0], fields)
        plain = [_is_plain(field, value) for field, value in zip(fields, first, strict=True)]
        prepared = [field for field, is_plain in zip(fields, plain, strict=True) if not is_plain]
        positions = [i for i, is_plain in enumerate(plain) if not is_plain]
        attnames = [field.attname for field in fields]
        with cursor.cursor.copy(statement) as copy:
            for obj in objects:
                obj._prepare_related_fields_for_save(operation_name="copy_insert")  # type: ignore[attr-defined]
                values = obj.__dict__
                row = [values[name] for name in attnames]
                for i, field in zip(positions, prepared, strict=True):
                    row[i] = field.get_db_prep_save(field.pre_save(obj, True), connection)
                copy.write_row(row)
                obj._state.adding = False
                obj._state.db = using
    return objects


# Field classes (exactly these, not subclasses) whose database value on PostgreSQL is the Python value
# itself when that value already has the field's type: `get_db_prep_save` would return it unchanged.
# Every other field (encrypted, digests, JSON, datetimes, FSM states, anything with a default to fill or
# `auto_now`) goes through its own `pre_save` + `get_db_prep_save`. Checked on the first row's types.
_PLAIN: dict[type[models.Field], tuple[type, ...]] = {
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.IntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.BooleanField: (bool,),
    models.CharField: (str,),
    models.TextField: (str,),
    models.ForeignKey: (int, type(None)),
}


def _sample(obj: models.Model, fields: list[models.Field]) -> list[Any]:
    return [obj.__dict__.get(field.attname) for field in fields]


def _is_plain(field: models.Field, value: Any) -> bool:
    types = _PLAIN.get(type(field))
    if types is None or type(value) not in types:
        return False
    if isinstance(field, models.ForeignKey):
        return type(field.target_field) in _PLAIN
    return value is not None
