"""Supervision writes: each is the one sanctioned way to make its change, and writes its audit event."""

from .checks import check_complete, check_record, evidence_add
from .conflicts import conflict_declare, conflict_withdraw
from .feedback import feedback_answer, feedback_close, feedback_submit
from .measures import measure_add, measure_carry_out, measure_follow_up
from .plans import plan_complete, plan_create, plan_draw, plan_draw_again, plan_update
from .visits import visit_decline, visit_plan, visit_record, visit_request

__all__ = [
    "check_complete",
    "check_record",
    "conflict_declare",
    "conflict_withdraw",
    "evidence_add",
    "feedback_answer",
    "feedback_close",
    "feedback_submit",
    "measure_add",
    "measure_carry_out",
    "measure_follow_up",
    "plan_complete",
    "plan_create",
    "plan_draw",
    "plan_draw_again",
    "plan_update",
    "visit_decline",
    "visit_plan",
    "visit_record",
    "visit_request",
]
