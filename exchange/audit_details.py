"""How the exchange API's audit events read (audit/describe.py): keys issued and revoked, submissions
decided. Labelled Chinese lines, never the detail's JSON keys or slugs."""

from django.utils.translation import gettext

from audit.describe import Lines, describes, text
from audit.models import Action, AuditEvent
from exchange.models import InboundCertificate


@describes(Action.API_KEY_ISSUED, Action.API_KEY_REVOKED)
def api_key(event: AuditEvent) -> Lines:
    detail = event.detail or {}
    lines: Lines = [(gettext("key ID"), text(detail.get("key_id")))]
    if detail.get("expires_at"):
        lines.append((gettext("expires at"), text(detail["expires_at"])))
    return lines


@describes(Action.RECOGNITION_DECIDED)
def recognition_decided(event: AuditEvent) -> Lines:
    detail = event.detail or {}
    states = dict(InboundCertificate.State.choices)
    lines: Lines = [
        (gettext("decision"), str(states.get(detail.get("decision", ""), text(detail.get("decision")))))
    ]
    if detail.get("recognised_certificate"):
        lines.append((gettext("recognised certificate"), text(detail["recognised_certificate"])))
    return lines
