"""Deadlines of open applications. PLACEHOLDER: the workflow (issue 5) fills open_deadlines_recompute."""

import datetime as dt
from collections.abc import Collection


def open_deadlines_recompute(*, changed_days: Collection[dt.date]) -> int:
    """Recompute every open deadline whose working-day count crosses one of `changed_days`.

    Called by the calendar's change service after its transaction commits. Returns how many
    applications changed.
    """
    return 0
