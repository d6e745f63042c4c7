"""The one way the workflow's audit rows (transitions) are written; other events go through audit.services."""

from collections.abc import Iterable
from typing import Any

from accounts.models import User
from audit.chain import chain_append, chain_append_many
from registry.models import Application, AuditEntry, RegistrationCertificate


def audit_record(
    *,
    transition: str,
    from_state: str,
    to_state: str,
    by: User | None = None,
    application: Application | None = None,
    certificate: RegistrationCertificate | None = None,
    comment: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one row. `by=None` means the system acted: the row says so (is_system) and names no one."""
    entry = chain_append(
        AuditEntry,
        application=application,
        certificate=certificate,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        by=by,
        is_system=by is None,
        comment=comment,
        detail=detail or {},
    )
    assert isinstance(entry, AuditEntry)
    return entry


def audit_record_many(entries: Iterable[dict[str, Any]], *, copy: bool = False) -> None:
    """Append many rows with one INSERT (a batch of applications created together), each field as in
    `audit_record`; `by=None` means the system. `copy`: one PostgreSQL COPY instead (bench.generate's
    millions of rows; the same rows)."""
    rows = [{**entry, "is_system": entry.get("by") is None} for entry in entries]
    chain_append_many(AuditEntry, rows, copy=copy)
