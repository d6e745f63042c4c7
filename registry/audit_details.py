"""How the registry's audit events read (audit/describe.py): downloads."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.describe import Lines, describes, generic, key_label, text
from audit.models import Action, AuditEvent
from registry.materials import MaterialKind
from registry.models import Application, AuditEntry
from registry.models.decision import DecisionKind
from registry.workflow import LapseReason


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


# Files of apps above the registry, by the `file` key their download events store: {key: label}. Those
# apps add theirs in their AppConfig.ready() (`download_file_label`), so no raw key reaches a reader.
_FILE_LABELS: dict[str, Any] = {}


def download_file_label(key: str, label: Any) -> None:
    _FILE_LABELS[key] = label


@describes(Action.DOWNLOADED)
def download(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    file = detail.pop("file", None)
    kind = detail.pop("kind", None)
    if file == "material":
        what = gettext("application material")
        lines.append((key_label("file"), f"{what}（{_label(MaterialKind, kind)}）" if kind else what))
    elif file == "certificate_pdf":
        lines.append((key_label("file"), gettext("registration certificate PDF")))
    elif file == "decision":
        lines.append((key_label("file"), _label(DecisionKind, kind)))
    elif file:
        lines.append((key_label("file"), str(_FILE_LABELS.get(file, file))))
    return lines + generic(detail)


@describes(Action.TRAINING_SHORTFALL_OVERRIDDEN)
def training_shortfall_overridden(event: AuditEvent) -> Lines:
    """A renewal approved despite continuing-education years short (registry/services/applications.py)."""
    detail = dict(event.detail or {})
    lines: Lines = []
    years = detail.pop("years", None)
    if years:
        lines.append((gettext("years short"), "、".join(str(year) for year in years)))
    return lines + generic(detail)


# The keys of a workflow row's detail (AuditEntry.detail, written by registry/services) and how they read.
_ENTRY_KEYS: dict[str, Any] = {
    "items": _("materials to correct"),
    "noticed_by": _("noticed by account no."),
    "years": _("years short"),
    "truthfulness_undertaking": _("truthfulness undertaking signed"),
    "batch": _("batch"),
    "lapse_reason": _("Why the registration lapsed"),
    "lapsed_on": _("Date of the event"),
    "left_on": _("date of leaving"),
    "deadline": _("deadline"),
}


def _deadline_label(field: str) -> str:
    try:
        return str(Application._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # an odd old row: the name as stored
        return field


def entry_detail_lines(entry: AuditEntry) -> Lines:
    """A workflow row's detail as labelled lines: material kinds and reasons by their labels, never JSON."""
    lines: Lines = []
    for key, value in (entry.detail or {}).items():
        label = str(_ENTRY_KEYS[key]) if key in _ENTRY_KEYS else key_label(key)
        if key == "items":
            value = [_label(MaterialKind, item) for item in value or []]
        elif key == "lapse_reason":
            value = _label(LapseReason, value)
        elif key == "deadline":
            value = _deadline_label(value)
        lines.append((label, text(value)))
    return lines
