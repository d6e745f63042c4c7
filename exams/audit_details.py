"""How the assessments' audit events read (audit/describe.py): corrections of results."""

from django.utils.translation import gettext

from audit.describe import Lines, describes, key_label, text
from audit.models import Action, AuditEvent


@describes(Action.RESULT_CORRECTED)
def result_correction(event: AuditEvent) -> Lines:
    detail = event.detail or {}
    old, new = detail.get("old") or {}, detail.get("new") or {}
    lines: Lines = [
        (gettext("operational skill score"), f"{text(old.get('skill'))} → {text(new.get('skill'))}"),
        (gettext("knowledge score"), f"{text(old.get('knowledge'))} → {text(new.get('knowledge'))}"),
        (gettext("passed or not"), f"{text(old.get('passed'))} → {text(new.get('passed'))}"),
        (key_label("reason"), text(detail.get("reason"))),
    ]
    if detail.get("certificate"):
        lines.append((gettext("assessment certificate"), str(detail["certificate"])))
    return lines
