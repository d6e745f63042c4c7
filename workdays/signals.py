"""What the calendar tells the apps above it, which it does not know.

`working_days_changed` is sent after commit once days changed working status, with `changed_days` (a
frozenset of dates). A receiver returns how many of its stored dates it recomputed (an int); the calendar
change's log row stores their sum. The registry connects its deadline recomputation here (registry/apps.py),
so that the calendar never imports the registry.
"""

from django.dispatch import Signal

working_days_changed = Signal()
