"""How the yearly report's audit events read (audit/describe.py): labelled lines, never raw keys or slugs."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext

from audit.describe import Lines, describes, generic, text
from audit.models import Action, AuditEvent

from .models import AnnualReport, VersionState


def _part(name: Any) -> str:
    try:
        return str(AnnualReport._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an odd old row: show the stored name rather than fail
        return str(name)


def _year_and_version(detail: dict[str, Any]) -> Lines:
    lines: Lines = []
    if "year" in detail:
        lines.append((gettext("year reported on"), text(detail.pop("year"))))
    if "version" in detail:
        lines.append((gettext("version"), text(detail.pop("version"))))
    return lines


@describes(Action.REPORT_TEXT)
def report_text(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines = _year_and_version(detail)
    if "parts" in detail:
        parts = detail.pop("parts") or []
        lines.append((gettext("parts edited"), "、".join(_part(p) for p in parts) or "—"))
    return lines + generic(detail)


@describes(Action.REPORT_SUBMITTED)
def report_submitted(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines = _year_and_version(detail)
    if "checksum" in detail:
        lines.append((gettext("checksum of the figures and text"), text(detail.pop("checksum"))))
    return lines + generic(detail)


@describes(Action.REPORT_ANSWERED)
def report_answered(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines = _year_and_version(detail)
    if "state" in detail:
        state = detail.pop("state")
        label = VersionState(state).label if state in VersionState.values else state
        lines.append((gettext("answer"), str(label)))
    return lines + generic(detail)
