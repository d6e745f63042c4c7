"""Every download of a submitted version's stored file is an audit event (as registry/services/downloads.py):
who took which version's PDF or workbook, when."""

from django.db import transaction

from accounts.models import User
from audit.models import Action
from audit.services import audit_log

from .models import ReportVersion


@transaction.atomic
def report_file_downloaded(*, version: ReportVersion, kind: str, by: User) -> None:
    """`kind`: "pdf" or "xlsx"."""
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=version,
        target_label=str(version),
        detail={"file": f"report_{kind}", "year": version.report.year, "version": version.number},
    )
