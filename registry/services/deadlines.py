"""Deadlines of open applications, kept right when the working-day calendar changes."""

import datetime as dt
from collections.abc import Callable, Collection

from django.db import transaction
from django.db.models import Q

from registry import deadlines
from registry.models import Application
from registry.services.audit import audit_record_many
from registry.workflow import ApplicationState

CHUNK = 2000
# The audit row's `transition` when a calendar change moved an open deadline (registry.workflow.action_label).
DEADLINE_MOVED = "deadline_moved"

# state → (the event the clock counts from, the stored deadline, how it is computed)
_WINDOWS: dict[str, tuple[str, str, Callable[[dt.date], dt.date]]] = {
    ApplicationState.SUBMITTED: ("received_on", "acceptance_due_on", deadlines.acceptance_due),
    ApplicationState.ACCEPTED: ("received_on", "approval_due_on", deadlines.approval_due),
    ApplicationState.APPROVED: ("approved_on", "issuance_due_on", deadlines.issuance_due),
}


def open_deadlines_recompute(*, changed_days: Collection[dt.date]) -> int:
    """Recompute every open deadline whose counting window (start, due] contains a changed day.

    Only such deadlines can move: a day outside the window changes no count. Candidates are found by
    indexed date ranges (one query per state); then, per chunk of ids and in its own transaction, the
    rows are locked, re-read (a transition may have moved one meanwhile), recomputed in Python and
    written back with one bulk_update. Returns how many applications changed. Called by the calendar's
    change service after its transaction commits.
    """
    days = sorted(set(changed_days))
    if not days:
        return 0
    changed = 0
    for state, (start_field, due_field, _compute) in _WINDOWS.items():
        if len(days) <= 31:
            window = Q()
            for day in days:
                window |= Q(**{f"{start_field}__lt": day, f"{due_field}__gte": day})
        else:  # a whole year re-imported: one bounding range; the recomputation sorts out the rest
            window = Q(**{f"{start_field}__lt": days[-1], f"{due_field}__gte": days[0]})
        ids = Application.objects.filter(window, state=state).order_by("pk").values_list("pk", flat=True)
        chunk: list[int] = []
        for pk in ids.iterator(chunk_size=CHUNK):
            chunk.append(pk)
            if len(chunk) >= CHUNK:
                changed += _recompute_chunk(chunk, state)
                chunk = []
        if chunk:
            changed += _recompute_chunk(chunk, state)
    return changed


@transaction.atomic
def _recompute_chunk(ids: list[int], state: str) -> int:
    start_field, due_field, compute = _WINDOWS[state]
    rows = (
        Application.objects.select_for_update()
        .filter(pk__in=ids, state=state)
        .values_list("pk", start_field, due_field)
    )
    pending, history = [], []
    for pk, start, due in rows:
        new_due = compute(start)
        if new_due != due:
            pending.append(Application(pk=pk, **{due_field: new_due, "current_due_on": new_due}))
            # The application's history says its deadline moved, and from when to when (the system's act).
            history.append(
                {
                    "application_id": pk,
                    "transition": DEADLINE_MOVED,
                    "from_state": state,
                    "to_state": state,
                    "by": None,
                    "detail": {
                        "deadline": due_field,
                        "old": due.isoformat() if due else None,
                        "new": new_due.isoformat(),
                    },
                }
            )
    if pending:
        Application.objects.bulk_update(pending, [due_field, "current_due_on"], batch_size=500)
        audit_record_many(history)
    return len(pending)


def recompute_on_calendar_change(
    sender: object, *, changed_days: Collection[dt.date], **kwargs: object
) -> int:
    """The receiver of workdays.signals.working_days_changed: the deadlines the change moved, counted."""
    return open_deadlines_recompute(changed_days=changed_days)
