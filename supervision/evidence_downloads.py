"""Every download of a check's evidence is an audit event (as training/downloads.py): the event names the
file by its record, never by the uploaded file's own name (it may hold a name or an ID number)."""

from django.db import transaction

from accounts.models import User
from audit.models import Action
from audit.services import audit_log

from .models import Evidence


@transaction.atomic
def evidence_downloaded(*, evidence: Evidence, by: User) -> None:
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=evidence.check_row,
        detail={"file": "supervision_evidence", "evidence": evidence.pk},
    )
