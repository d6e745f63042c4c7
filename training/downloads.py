"""Every download of a ledger file and every export of the compliance list is an audit event (as
registry/services/downloads.py).

Called by the download and export views once the file is open (or the workbook built) and about to be
sent. The event names the file by its record, never by the uploaded file's own name (it may hold a name
or an ID number), and an export by its filters and row count, never its content.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log

from .models import Activity, Participation


@transaction.atomic
def attendance_list_downloaded(*, activity: Activity, by: User) -> None:
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=activity,
        detail={"file": "training_attendance_list", "activity": activity.pk},
    )


@transaction.atomic
def evidence_downloaded(*, participation: Participation, by: User) -> None:
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=participation,
        detail={"file": "training_evidence", "activity": participation.activity_id},
    )


@transaction.atomic
def compliance_exported(*, by: User, rows: int, filters: dict[str, Any]) -> None:
    """The yearly compliance list left the system as a file: who, how many rows, which filters."""
    audit_log(
        action=Action.EXPORTED,
        actor=by,
        target=Participation,
        target_label=_("Yearly continuing-education compliance"),
        detail={"list": "training_compliance", "rows": rows, "format": "xlsx", "filters": filters},
    )
