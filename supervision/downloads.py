"""Every download of a spot check's evidence file is an audit event (as training/downloads.py).

Called once the file is open and about to be sent. The event names the file by its record, never by the
uploaded file's own name (it may hold a name)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log

from .models import Evidence


@transaction.atomic
def evidence_downloaded(*, evidence: Evidence, by: User) -> None:
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=evidence,
        target_label=_("Evidence %(evidence)d of spot check %(check)d")
        % {"evidence": evidence.pk, "check": evidence.check_row_id},
        detail={"file": "supervision_evidence"},
    )
