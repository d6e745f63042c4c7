"""Writes of the continuing-education ledger. Every activity, participation, decision and correction goes
through one of these; each writes its audit event in the same transaction.

- An employer's clerk records activities and its own staff's hours (`activity_record`,
  `participations_record`), and may change or withdraw hours while they await confirmation.
- Association staff record activities the association or an industry body ran (employer None), confirm
  or reject hours (`participation_confirm`, `participation_reject`, with a reason), and change a decided
  entry only through `participation_correct` (a reason, a ParticipationCorrection row, an audit event).

"Staff" of an employer here are the people whose registration certificate names it and is in force on
the activity's last day (registry.eligibility.certificates_in_force): the holders whose hours count.
"""

from .activities import (
    COUNTING_FIELDS,
    ActivityData,
    activity_change,
    activity_change_check,
    activity_check,
    activity_frozen_fields,
    activity_record,
)
from .decisions import (
    participation_confirm,
    participation_correct,
    participation_reject,
    participations_confirm,
    participations_reject,
)
from .recording import (
    Entry,
    entry_problems,
    participation_change,
    participation_withdraw,
    participations_record,
    staff_on,
)

__all__ = [
    "COUNTING_FIELDS",
    "ActivityData",
    "Entry",
    "activity_change",
    "activity_change_check",
    "activity_check",
    "activity_frozen_fields",
    "activity_record",
    "entry_problems",
    "participation_change",
    "participation_confirm",
    "participation_correct",
    "participation_reject",
    "participation_withdraw",
    "participations_confirm",
    "participations_record",
    "participations_reject",
    "staff_on",
]
