"""An audit event's detail as a person reads it: labelled lines in the interface language, never JSON.

The app that writes an action registers how its detail reads (`@describes(Action.X)`, in a module its
AppConfig.ready() imports); anything else is rendered by `generic`, which knows the keys used across the
registry. A describer that fails on an odd old row falls back to the generic rendering rather than
breaking the auditor's page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import Action, AuditEvent

logger = logging.getLogger(__name__)

Lines = list[tuple[str, str]]
Describer = Callable[[AuditEvent], Lines]
_DESCRIBERS: dict[str, Describer] = {}

# Keys that details across the registry use, and how they read.
KEY_LABELS = {
    "operation": _("operation"),
    "fields": _("fields"),
    "related": _("related records"),
    "note": _("note"),
    "cascade": _("also deleted"),
    "selected": _("records selected together"),
    "reason": _("reason"),
    "old": _("before"),
    "new": _("after"),
    "count": _("count"),
    "rows": _("rows"),
    "format": _("format"),
    "filters": _("filters"),
    "search": _("search"),
    "file": _("file"),
    "application": _("application"),
    "certificate": _("certificate"),
    "session": _("session"),
    "username": _("account"),
    "first_id": _("first event"),
    "last_id": _("last event"),
    "before": _("older than"),
    "sha256": _("SHA-256 checksum"),
    "last_hash": _("last archived hash"),
    "path": _("file"),
    "new_rows": _("added"),
    "updated_rows": _("updated"),
    "unchanged_rows": _("unchanged"),
    "certificates": _("certificates"),
    "results": _("results"),
    "employer": _("employer"),
    "model": _("record type"),
    "full_id_numbers": _("full resident ID numbers included"),
    "permissions_before": _("direct permissions before"),
    "permissions_after": _("direct permissions after"),
}

OPERATIONS = {
    "added": _("added"),
    "changed": _("changed"),
    "deleted": _("deleted"),
    "imported": _("imported from a spreadsheet"),
    "issued": _("issued"),
    "checked": _("checked against the original"),
    "revoked": _("revoked"),
}


def describes(*actions: Action | str) -> Callable[[Describer], Describer]:
    """Register `function(event) -> [(label, text), ...]` as the reading of `actions`' details."""

    def register(function: Describer) -> Describer:
        for action in actions:
            _DESCRIBERS[str(action)] = function
        return function

    return register


def describe(event: AuditEvent) -> Lines:
    """The event's detail as (label, text) lines."""
    function = _DESCRIBERS.get(event.action)
    if function is not None:
        try:
            return function(event)
        except Exception:  # an unexpected shape in an old row must not break the page
            logger.warning("audit event %s: detail not described by its describer", event.pk, exc_info=True)
    return generic(event.detail or {})


def summary(event: AuditEvent) -> str:
    """One line: `label：text；label：text`."""
    return "；".join(f"{label}：{text}" if label else text for label, text in describe(event))


def text(value: Any) -> str:
    """A detail value as text: yes/no, lists joined, nested values in brackets."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        return "、".join(text(v) for v in value) or "—"
    if isinstance(value, dict):
        return "，".join(f"{key_label(k)}：{text(v)}" for k, v in value.items()) or "—"
    return str(value)


def key_label(key: str) -> str:
    return str(KEY_LABELS.get(key, key))


def generic(detail: dict[str, Any]) -> Lines:
    lines = []
    for key, value in detail.items():
        if key == "operation":
            lines.append((key_label(key), str(OPERATIONS.get(value, value))))
        elif key == "model" and isinstance(value, str):
            lines.append((key_label(key), model_name(value)))
        else:
            lines.append((key_label(key), text(value)))
    return lines


def target_model(label: str) -> type[models.Model] | None:
    """The model of a stored `app_label.model_name`, or None if it no longer exists.

    A model that moved to another app keeping its table (docs/decisions/0080-layers.md) is found under the
    label its events were stored with before the move: `registry.person` is the model whose table is
    `registry_person`, now `people.Person`. Stored events are never rewritten (they are chained).
    """
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        pass
    table = label.replace(".", "_")
    return next((model for model in apps.get_models() if model._meta.db_table == table), None)


def target_labels(label: str) -> list[str]:
    """Every `target_type` a model's events may be stored under: its label and, if it moved from another
    app keeping its table, the label it had there. Filters by record use all of them."""
    label = label.strip().lower()
    model = target_model(label)
    if model is None:
        return [label]
    labels = [model._meta.label_lower]
    app, sep, name = model._meta.db_table.partition("_")
    if sep and name == model._meta.model_name and app != model._meta.app_label:
        labels.append(f"{app}.{name}")
    return labels


def model_name(label: str) -> str:
    model = target_model(label)
    return str(model._meta.verbose_name) if model is not None else label


def field_names(label: str, names: list[str]) -> str:
    """Field names as the model's verbose names (the names themselves for a field the form added)."""
    model = target_model(label)
    out = []
    for name in names:
        try:
            field = model._meta.get_field(name) if model is not None else None
            out.append(str(getattr(field, "verbose_name", name)) if field is not None else name)
        except FieldDoesNotExist:
            out.append(name)
    return "、".join(out) or "—"


@describes(Action.RECORD_CHANGED, Action.CATALOGUE_CHANGED, Action.DELETED)
def record_change(event: AuditEvent) -> Lines:
    """What the admin hook (audit/admin_hooks.py) stores: the operation and the field names, no values."""
    detail = dict(event.detail or {})
    lines: Lines = []
    operation = detail.pop("operation", None)
    if operation:
        lines.append((key_label("operation"), str(OPERATIONS.get(operation, operation))))
    if fields := detail.pop("fields", None):
        lines.append((key_label("fields"), field_names(event.target_type, fields)))
    for item in detail.pop("related", None) or []:
        part = f"{model_name(item.get('model', ''))} {OPERATIONS.get(item.get('operation'), '')}".strip()
        if item.get("fields"):
            part += f"（{field_names(item.get('model', ''), item['fields'])}）"
        lines.append((key_label("related"), part))
    if cascade := detail.pop("cascade", None):
        lines.append(
            (key_label("cascade"), "、".join(f"{model_name(m)} {n}" for m, n in sorted(cascade.items())))
        )
    lines.extend(generic(detail))
    return lines
