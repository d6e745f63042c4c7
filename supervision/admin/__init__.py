"""The association's back office for supervision, one module per model group (read-only but for
carrying out measures on certificates, and the visits and feedback desk run through its services)."""

from . import checks, conflicts, feedback, visits  # noqa: F401
