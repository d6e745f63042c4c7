"""How the people app's audit events read in the auditor's pages (audit/describe.py)."""

from django.utils.translation import gettext

from audit.describe import Lines, describes, key_label
from audit.models import Action, AuditEvent


@describes(Action.EMPLOYER_RENAMED)
def employer_renamed(event: AuditEvent) -> Lines:
    detail = event.detail or {}
    return [
        (key_label("old"), str(detail.get("old", ""))),
        (key_label("new"), str(detail.get("new", ""))),
        (gettext("changed on"), str(detail.get("changed_on", ""))),
    ]
