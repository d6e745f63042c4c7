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

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.base import ModelState
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
        # Per column: the types whose value is written as is; any other value (per row) goes through
        # the field's own pre_save + get_db_prep_save.
        checks = [(i, field, _plain_types(field)) for i, field in enumerate(fields)]
        always = [(i, field) for i, field, types in checks if not types]
        maybe = [(i, field, types) for i, field, types in checks if types]
        attnames = [field.attname for field in fields]
        with cursor.cursor.copy(statement) as copy:
            for obj in objects:
                if obj._state.fields_cache:  # a related instance was assigned: the ORM's own check
                    obj._prepare_related_fields_for_save(operation_name="copy_insert")  # type: ignore[attr-defined]
                values = obj.__dict__
                row = [values[name] for name in attnames]
                for i, field in always:
                    row[i] = field.get_db_prep_save(field.pre_save(obj, True), connection)
                for i, field, types in maybe:
                    if type(row[i]) not in types:
                        row[i] = field.get_db_prep_save(field.pre_save(obj, True), connection)
                copy.write_row(row)
                obj._state.adding = False
                obj._state.db = using
    return objects


def unsaved(model: type[M], values: dict[str, Any]) -> M:
    """An unsaved instance of `model` for copy_insert: `values` by attname (`person_id`) or, for a foreign
    key, by name with a saved instance (`person=p`: its pk is taken), every other field at its default (a
    callable default called for this row), as `model(**values)` would set them.

    Built without `Model.__init__`, which for hundreds of thousands of rows costs more than the COPY itself
    (it walks every field, and django-fsm's mixin walks them again). Only for models without pre_init or
    post_init receivers (checked), and only for insertion: the instance is not meant to be saved again.
    """
    constants, callables, relations = _defaults(model)
    obj = model.__new__(model)
    state = obj.__dict__
    state.update(constants)
    for attname, default in callables:
        state[attname] = default()
    for name, value in values.items():
        key = relations.get(name)
        if key is None:
            state[name] = value
        elif value is None or value.pk is not None:
            state[key] = None if value is None else value.pk
        else:
            raise ValueError(f"unsaved(): the related {name} is not saved yet")
    state["_state"] = ModelState()
    return obj


@functools.cache
def _defaults(
    model: type[models.Model],
) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...], dict[str, str]]:
    if models.signals.pre_init.has_listeners(model) or models.signals.post_init.has_listeners(model):
        raise NotImplementedError(f"{model.__name__} has init signal receivers: construct it normally")
    constants: dict[str, Any] = {}
    callables: list[tuple[str, Any]] = []
    relations: dict[str, str] = {}
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            callables.append((field.attname, field.default))
        else:
            constants[field.attname] = field.get_default()
        if field.is_relation and field.attname != field.name:
            relations[field.name] = field.attname
    return constants, tuple(callables), relations


# Field classes (exactly these, not subclasses) whose database value on PostgreSQL is the Python value
# itself when that value has exactly one of these types: `pre_save` returns the attribute and
# `get_db_prep_save` returns it unchanged. Checked for every value of every row. Every other field
# (encrypted, digests, JSON, datetimes, FSM states, files, `auto_now`) and every other value (an enum
# member, a datetime in a date field, None in a text field) goes through the field's own methods.
_NONE = type(None)
_PLAIN: dict[type[models.Field], frozenset[type]] = {
    models.AutoField: frozenset({int}),
    models.BigAutoField: frozenset({int}),
    models.IntegerField: frozenset({int}),
    models.PositiveIntegerField: frozenset({int}),
    models.PositiveSmallIntegerField: frozenset({int}),
    models.SmallIntegerField: frozenset({int}),
    models.BigIntegerField: frozenset({int}),
    models.BooleanField: frozenset({bool}),
    models.CharField: frozenset({str}),
    models.EmailField: frozenset({str}),
    models.TextField: frozenset({str}),
    # A date is written as is by the PostgreSQL backend (adapt_datefield_value), None as NULL.
    models.DateField: frozenset({dt.date, _NONE}),
    models.ForeignKey: frozenset({int, _NONE}),
    models.OneToOneField: frozenset({int, _NONE}),
}


def _plain_types(field: models.Field) -> frozenset[type]:
    types = _PLAIN.get(type(field), frozenset())
    if isinstance(field, models.ForeignKey) and type(field.target_field) not in _PLAIN:
        return frozenset()
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        return frozenset()  # pre_save sets today
    return types
