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
from .feedback import Feedback, FeedbackOrigin, FeedbackState, FeedbackTopic
from .plans import InspectorConflict, Plan, PlanKind, PlanState
from .visits import AssistanceVisit, VisitOrigin, VisitState, VisitTopic

__all__ = [
    "CERTIFICATE_MEASURES",
    "AssistanceVisit",
    "Check",
    "CheckResult",
    "CheckState",
    "Evidence",
    "Feedback",
    "FeedbackOrigin",
    "FeedbackState",
    "FeedbackTopic",
    "Finding",
    "InspectorConflict",
    "Measure",
    "MeasureKind",
    "MeasureState",
    "Plan",
    "PlanKind",
    "PlanState",
    "VisitOrigin",
    "VisitState",
    "VisitTopic",
    "checklist_items",
]
