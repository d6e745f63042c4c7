"""Signals the people app sends for apps above it, which it may not import (docs/decisions/0080)."""

from django.dispatch import Signal

# Sent by people.services.employer_verify and employer_refuse INSIDE their transaction, once the
# employer's new status is saved, with `employer`, `verified` (True: verified; False: refused), `reason`
# (the refusal's reason, "" when verified) and `at` (when). The registry connects its e-mail to the
# employer (registry.services.employer_notices): queued in the same transaction, sent after commit.
employer_decided = Signal()
