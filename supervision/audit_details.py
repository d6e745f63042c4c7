"""How supervision's audit events read (audit/describe.py): labelled lines, never raw keys or slugs."""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.describe import Lines, describes, generic, text
from audit.models import Action, AuditEvent
from registry.audit_details import download_file_label

from .models import (
    CheckResult,
    FeedbackOrigin,
    FeedbackTopic,
    MeasureKind,
    PlanKind,
    VisitTopic,
    checklist_items,
)

_ITEMS = {item: label for kind in PlanKind.values for item, label in checklist_items(kind)}


def _item(slug: Any) -> str:
    return str(_ITEMS.get(slug, slug))


def _choice(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


@describes(Action.SUPERVISION_PLAN)
def plan(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if detail.pop("created", None):
        lines.append((gettext("operation"), gettext("created")))
    if detail.pop("completed", None):
        lines.append((gettext("operation"), gettext("completed and results published")))
    if "changed" in detail:
        lines.append((gettext("fields changed"), text(detail.pop("changed")) or "—"))
    return lines + generic(detail)


@describes(Action.SUPERVISION_DRAWN)
def drawn(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    labels = {
        "seed": _("draw seed"),
        "population": _("population"),
        "drawn": _("checks drawn"),
        "pool": _("inspectors in the pool"),
        "conflicts": _("conflicts honoured"),
    }
    lines = [(str(label), text(detail.pop(key))) for key, label in labels.items() if key in detail]
    return lines + generic(detail)


@describes(Action.SUPERVISION_CHECK)
def check(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if "found" in detail:
        found = detail.pop("found") or []
        lines.append((gettext("problems found"), "、".join(_item(i) for i in found) or gettext("none")))
    if "evidence_added" in detail:
        detail.pop("evidence_added")
        item = detail.pop("item", "")
        lines.append((gettext("evidence added"), _item(item) if item else gettext("for the whole check")))
    if "completed" in detail:
        lines.append((gettext("completed with the result"), _choice(CheckResult, detail.pop("completed"))))
    return lines + generic(detail)


@describes(Action.SUPERVISION_MEASURE)
def measure(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if "ordered" in detail:
        lines.append((gettext("measure ordered"), _choice(MeasureKind, detail.pop("ordered"))))
        detail.pop("check", None)
    if "carried_out" in detail:
        lines.append((gettext("carried out"), _choice(MeasureKind, detail.pop("carried_out"))))
    if detail.pop("follow_up", None):
        done = detail.pop("done", False)
        lines.append((gettext("follow-up recorded"), gettext("done") if done else gettext("still open")))
    if certificate := detail.pop("certificate", ""):
        lines.append((gettext("certificate"), str(certificate)))
    return lines + generic(detail)


@describes(Action.SUPERVISION_CONFLICT)
def conflict(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if detail.pop("declared", None) is not None:
        lines.append((gettext("operation"), gettext("declared")))
    if detail.pop("withdrawn", None) is not None:
        lines.append((gettext("operation"), gettext("withdrawn")))
    return lines + generic(detail)


def _topics(values: Any) -> str:
    return "、".join(_choice(VisitTopic, v) for v in values or []) or "—"


@describes(Action.SUPERVISION_VISIT)
def visit(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if "requested" in detail:
        lines.append((gettext("requested by the enterprise, topics"), _topics(detail.pop("requested"))))
    for key, label in (("planned", gettext("planned for")), ("replanned", gettext("planned again for"))):
        if key in detail:
            lines.append((label, text(detail.pop(key))))
    if "topics" in detail:
        lines.append((gettext("topics"), _topics(detail.pop("topics"))))
    if detail.pop("done", None):
        lines.append((gettext("operation"), gettext("findings and advice recorded")))
    if detail.pop("declined", None):
        lines.append((gettext("operation"), gettext("declined")))
    return lines + generic(detail)


@describes(Action.SUPERVISION_FEEDBACK)
def feedback(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if "submitted" in detail:
        lines.append((gettext("received from"), _choice(FeedbackOrigin, detail.pop("submitted"))))
    if "topic" in detail:
        lines.append((gettext("topic"), _choice(FeedbackTopic, detail.pop("topic"))))
    if detail.pop("answered", None):
        again = detail.pop("again", False)
        lines.append((gettext("operation"), gettext("answer changed") if again else gettext("answered")))
    if detail.pop("closed", None):
        lines.append((gettext("operation"), gettext("closed")))
    return lines + generic(detail)


download_file_label("supervision_evidence", _("evidence of a spot check"))
