"""How the registry's audit events read (audit/describe.py): downloads."""

from typing import Any

from django.utils.translation import gettext

from audit.describe import Lines, describes, generic, key_label
from audit.models import Action, AuditEvent
from registry.materials import MaterialKind
from registry.models.decision import DecisionKind


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
