"""Supervision (监督管理, pilot plan): spot-check plans and their random draws, the checks drawn, what the
inspectors found and the measures taken, declared conflicts of interest. Writes go through
supervision.services only; every write that changes a plan, a check or a measure writes an audit event.
"""

from .checks import (
    CERTIFICATE_MEASURES,
    Check,
    CheckResult,
    CheckState,
    Evidence,
    Finding,
    Measure,
    MeasureKind,
    MeasureState,
    checklist_items,
)
from .plans import InspectorConflict, Plan, PlanKind, PlanState

__all__ = [
    "CERTIFICATE_MEASURES",
    "Check",
    "CheckResult",
    "CheckState",
    "Evidence",
    "Finding",
    "InspectorConflict",
    "Measure",
    "MeasureKind",
    "MeasureState",
    "Plan",
    "PlanKind",
    "PlanState",
    "checklist_items",
]
