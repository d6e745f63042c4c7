"""Every download of a continuing-education file is an audit event (as registry/services/downloads.py).

The event names the file by its activity and kind, never by the uploaded file's own name, which may hold
anything (a person's name or ID number included).
"""

from django.db import transaction

from accounts.models import User
from audit.models import Action
from audit.services import audit_log

from .models import Activity, Participation


@transaction.atomic
def evidence_downloaded(*, participation: Participation, by: User) -> None:
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=participation,
        detail={"file": "training_evidence", "activity": participation.activity_id},
    )


@transaction.atomic
def attendance_list_downloaded(*, activity: Activity, by: User) -> None:
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=activity,
        detail={"file": "training_attendance_list", "activity": activity.pk},
    )
