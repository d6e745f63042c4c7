"""The one way audit rows are written."""

from typing import Any

from registry.models import Application, AuditEntry, RegistrationCertificate


def audit_record(
    *,
    transition: str,
    from_state: str,
    to_state: str,
    by=None,
    application: Application | None = None,
    certificate: RegistrationCertificate | None = None,
    comment: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one row. `by=None` means the system acted: the row says so (is_system) and names no one."""
    return AuditEntry.objects.create(
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
