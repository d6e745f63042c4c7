"""The association's back office for supervision, one module per model group (read-only but for
carrying out measures on certificates)."""

from . import checks, conflicts  # noqa: F401
